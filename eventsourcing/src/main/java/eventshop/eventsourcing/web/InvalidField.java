package eventshop.eventsourcing.web;

/**
 * One invalid part of a request, as the {@code errors} member of an {@code invalid-fields} problem lists
 * it: which field, where it was sent, and why it is refused. The message never quotes the value (it may be
 * a password or a card number). Immutable.
 *
 * @param field   the field's name as the client sent it: a body member as a path ({@code shippingAddress.city},
 *                {@code lines[0].sku}), or the name of a query parameter, path variable or header
 * @param in      where it was: {@value #BODY}, {@value #QUERY}, {@value #PATH} or {@value #HEADER}
 * @param message why it is refused ({@code must not be blank}, {@code must be a whole number})
 */
public record InvalidField(String field, String in, String message) {

    public static final String BODY = "body";
    public static final String QUERY = "query";
    public static final String PATH = "path";
    public static final String HEADER = "header";

    public static InvalidField body(String field, String message) {
        return new InvalidField(field, BODY, message);
    }
}
