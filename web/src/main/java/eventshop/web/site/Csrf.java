package eventshop.web.site;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The CSRF token of a browser request, as edge hands it over. Edge checks every state-changing request that a
 * session cookie authenticates (it sees the cookie; the services token it mints for web says nothing about how
 * the caller was authenticated), and passes the token the browser must send back in {@value #HEADER}; every
 * form renders it as the hidden field {@value #FIELD}, so forms work without JavaScript.
 */
public final class Csrf {

    /** The request header edge puts the CSRF token in when it forwards a page request to web. */
    public static final String HEADER = "X-Eventshop-Csrf";
    /** The form field edge reads the token back from. */
    public static final String FIELD = "_csrf";

    private Csrf() {
    }

    /** The token to render into this page's forms; empty when edge sent none (the form post will be refused). */
    public static String token(HttpServletRequest request) {
        String token = request.getHeader(HEADER);
        return token == null || token.length() > 200 ? "" : token;
    }
}
