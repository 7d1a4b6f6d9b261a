package eventshop.web.calls;

/** What the page shows does not exist, or is not the customer's (the services answer 404 for both). */
public class NotFound extends RuntimeException {

    public NotFound(String what) {
        super(what, null, false, false);
    }
}
