package eventshop.accounts.commands;

/** A command message that no retry can make valid: unknown type, unreadable payload, no account id. */
public class MalformedCommand extends RuntimeException {

    public MalformedCommand(String message) {
        super(message);
    }

    public MalformedCommand(String message, Throwable cause) {
        super(message, cause);
    }
}
