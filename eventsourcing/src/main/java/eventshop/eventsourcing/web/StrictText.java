package eventshop.eventsourcing.web;

import java.beans.PropertyEditorSupport;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * What text a request may carry: no control characters (Unicode category Cc: U+0000-U+001F, U+007F-U+009F),
 * NUL included, in any field. They have no business in a name, an address, a sku or a password, and they
 * break what reads the text later (a NUL ends a C string, ESC drives a terminal, a line break forges a log
 * line or a mail header). Nor may text hold half of a surrogate pair (a lone U+D800, say): it is not
 * Unicode, and no encoder can write it back out. A field marked {@link MultiLineText} (a description) may
 * hold tab, line feed and carriage return, because text over several lines needs them; nothing else does.
 *
 * <p>Applied to every string of a JSON body ({@link StrictJson}) and, as this advice, to every query
 * parameter, path variable and header a controller takes as a {@code String}: refused text is a 400
 * {@code invalid-fields} problem naming the field.
 */
@ControllerAdvice
public class StrictText {

    static final String ONE_LINE = "must be one line without control characters";
    static final String NO_CONTROLS = "must not contain control characters (only tab and line breaks are allowed)";
    static final String UNPAIRED = "must be valid Unicode text (it holds half of a surrogate pair)";

    /** Why {@code text} is refused, or null if it is fine. */
    public static @Nullable String check(String text, boolean multiLine) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.getType(c) == Character.CONTROL && !(multiLine && (c == '\t' || c == '\n' || c == '\r'))) {
                return multiLine ? NO_CONTROLS : ONE_LINE;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return UNPAIRED;
            }
        }
        return null;
    }

    /** Every {@code String} a controller method takes from the query, the path or a header is checked. */
    @InitBinder
    public void checkTextParameters(WebDataBinder binder) {
        binder.registerCustomEditor(String.class, new OneLine());
    }

    /** Thrown by the parameter check; {@link Problems} answers it as an invalid field. */
    static final class RefusedText extends IllegalArgumentException {
        RefusedText(String message) {
            super(message, null);
        }
    }

    private static final class OneLine extends PropertyEditorSupport {
        @Override
        public void setAsText(@Nullable String text) {
            String refused = text == null ? null : check(text, false);
            if (refused != null) {
                throw new RefusedText(refused);
            }
            setValue(text);
        }
    }
}
