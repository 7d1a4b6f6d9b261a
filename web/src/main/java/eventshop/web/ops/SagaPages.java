package eventshop.web.ops;

import eventshop.web.ops.OpsApi.Saga;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The sagas: a search by order id (to its timeline) or customer id (their orders), the orders stuck past their
 * deadline ({@code /ops/sagas}), and one order's timeline across services ({@code /ops/sagas/<order id>}).
 */
@Controller
class SagaPages {

    private final Ops ops;
    private final Sagas sagas;

    SagaPages(Ops ops, Sagas sagas) {
        this.ops = ops;
        this.sagas = sagas;
    }

    @GetMapping("/ops/sagas")
    String search(@RequestParam(required = false) @Nullable String order,
                  @RequestParam(required = false) @Nullable String customer, Model model) {
        if (order != null && !order.isBlank()) {
            return "redirect:" + UriComponentsBuilder.fromPath("/ops/sagas/{order}").encode()
                    .buildAndExpand(order.strip()).toUriString();
        }
        model.addAttribute("section", "sagas");
        CompletableFuture<List<Saga>> stuck = ops.start(ops::stuck);
        if (customer != null && !customer.isBlank()) {
            model.addAttribute("customer", customer.strip());
            model.addAttribute("ofCustomer", Ops.panel(Ops.ORDERS, ops.start(() -> ops.sagasOf(customer.strip()))));
        }
        model.addAttribute("stuck", Ops.panel(Ops.ORDERS, stuck));
        return "ops/sagas";
    }

    @GetMapping("/ops/sagas/{orderId}")
    String timeline(@PathVariable String orderId, Model model) {
        model.addAttribute("section", "sagas");
        model.addAttribute("timeline", sagas.timeline(orderId));
        return "ops/saga";
    }
}
