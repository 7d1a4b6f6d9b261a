package eventshop.web.site;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.web.util.UriComponentsBuilder;

/** Pages that need a customer send a visitor to the login page, and back afterwards ({@code next}). */
public final class SignIn {

    private SignIn() {
    }

    /** A redirect to {@code /login?next=<this page>}. */
    public static String redirect(HttpServletRequest request) {
        return "redirect:" + loginPage(request);
    }

    /** {@code /login?next=<this page>} ({@code /} after a form post). */
    public static String loginPage(HttpServletRequest request) {
        String next = request.getMethod().equals("GET") ? request.getRequestURI() : "/";
        return UriComponentsBuilder.fromPath("/login").queryParam("next", "{next}").encode().buildAndExpand(next)
                .toUriString();
    }

    /**
     * {@code next} if it is a path of this site ({@code /orders/1}); otherwise {@code /}. A login never sends the
     * browser to another site ({@code //evil.example}, {@code https://...}, {@code /\evil}).
     */
    public static String localPath(@Nullable String next) {
        if (next == null || next.length() > 500 || !next.startsWith("/") || next.startsWith("//")
                || next.contains("\\") || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "/";
        }
        return next;
    }
}
