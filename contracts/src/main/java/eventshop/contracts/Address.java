package eventshop.contracts;

/** A postal address, as customers give it for shipping. {@code line2} may be empty, never null. */
public record Address(String name, String line1, String line2, String city, String postalCode, String country) {
}
