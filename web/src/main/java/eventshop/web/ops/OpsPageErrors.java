package eventshop.web.ops;

import eventshop.eventsourcing.calls.ServiceUnavailable;
import eventshop.web.calls.NotFound;
import eventshop.web.calls.Refused;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * What a console page could not show, in the console's own layout: the 403 page for a customer, 404 for what the
 * services do not know, the refusal's words, and 503 when the one service a page needs does not answer (pages that
 * ask every service show each one's failure in its panel instead). Ahead of the storefront's {@code ErrorPages};
 * the console's JSON has its own ({@link OpsProblems}, ahead of this).
 */
@ControllerAdvice(basePackageClasses = OpsPageErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class OpsPageErrors {

    static final String VIEW = "ops/problem";

    @ExceptionHandler(OpsAccess.NotTheAdmin.class)
    String notTheAdmin(Model model, HttpServletResponse response) {
        model.addAttribute("forbidden", true); // no links to pages the visitor may not see
        return problem(model, response, HttpStatus.FORBIDDEN, "Forbidden",
                "The operations console is for the store's administrator. Your account may not see it.");
    }

    @ExceptionHandler(NotFound.class)
    String notFound(NotFound missing, Model model, HttpServletResponse response) {
        return problem(model, response, HttpStatus.NOT_FOUND, "Not found", "There is no " + missing.getMessage() + ".");
    }

    @ExceptionHandler(Refused.class)
    String refused(Refused refused, Model model, HttpServletResponse response) {
        return problem(model, response, HttpStatus.valueOf(refused.clientStatus()), "Refused", refused.detail());
    }

    @ExceptionHandler(ServiceUnavailable.class)
    String unavailable(ServiceUnavailable failure, Model model, HttpServletResponse response) {
        response.setHeader("Retry-After", "5");
        return problem(model, response, HttpStatus.SERVICE_UNAVAILABLE, "Not answering", failure.getMessage());
    }

    private static String problem(Model model, HttpServletResponse response, HttpStatus status, String title,
                                  String message) {
        response.setStatus(status.value());
        model.addAttribute("title", title);
        model.addAttribute("message", message);
        model.addAttribute("section", "");
        return VIEW;
    }
}
