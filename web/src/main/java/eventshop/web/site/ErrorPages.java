package eventshop.web.site;

import eventshop.eventsourcing.calls.ServiceUnavailable;
import eventshop.web.calls.NotFound;
import eventshop.web.calls.Refused;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * Pages for what a page could not show: 404 for what does not exist or is another customer's, the refusal's
 * words for a refusal no form shows in place, and a 503 page (with {@code Retry-After}) when a service did not
 * answer. None of them shows a stack trace or a service's internals.
 */
@ControllerAdvice
class ErrorPages {

    @ExceptionHandler(NotFound.class)
    String notFound(NotFound missing, Model model, HttpServletResponse response) {
        response.setStatus(HttpStatus.NOT_FOUND.value());
        model.addAttribute("title", "Not found");
        model.addAttribute("message", "There is no " + missing.getMessage() + " here.");
        return "error/problem";
    }

    @ExceptionHandler(Refused.class)
    String refused(Refused refused, Model model, HttpServletResponse response) {
        response.setStatus(refused.clientStatus());
        model.addAttribute("title", "That did not work");
        model.addAttribute("message", refused.detail());
        return "error/problem";
    }

    @ExceptionHandler(ServiceUnavailable.class)
    String unavailable(ServiceUnavailable failure, Model model, HttpServletResponse response) {
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
        response.setHeader("Retry-After", "5");
        model.addAttribute("title", "Not available right now");
        model.addAttribute("message", "Part of the store (" + failure.service()
                + ") is not answering. Nothing was changed; please try again in a moment.");
        return "error/problem";
    }
}
