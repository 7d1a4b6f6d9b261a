package eventshop.web.site;

import org.jspecify.annotations.Nullable;

/** Reading what a form posted, before the services judge it. */
public final class Forms {

    private Forms() {
    }

    /** The whole number typed in a field, or null if it is none (the page says so next to the field). */
    public static @Nullable Integer wholeNumber(@Nullable String text) {
        if (text == null || text.strip().length() > 9) {
            return null;
        }
        try {
            return Integer.valueOf(text.strip());
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }
}
