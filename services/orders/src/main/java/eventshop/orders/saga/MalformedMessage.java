package eventshop.orders.saga;

/** A message no retry can make readable: a known type whose payload does not parse, or no order id. */
public class MalformedMessage extends RuntimeException {

    public MalformedMessage(String message) {
        super(message);
    }

    public MalformedMessage(String message, Throwable cause) {
        super(message, cause);
    }
}
