package eventshop.edge.problems;

/**
 * One invalid field of a request edge answers itself (the login), as the {@code errors} member of an
 * {@code invalid-fields} problem lists it; the same shape as the services' ({@code field}, where it was
 * sent, why), never quoting the value.
 */
public record InvalidField(String field, String in, String message) {

    public static InvalidField body(String field, String message) {
        return new InvalidField(field, "body", message);
    }
}
