package eventshop.web.ops;

import org.jspecify.annotations.Nullable;

/**
 * What one service answered for a console page: its {@code value}, or the {@code error} that stands in its panel
 * (the rest of the page renders all the same). Exactly one of the two is set.
 */
public record Panel<T>(String service, @Nullable T value, @Nullable String error) {

    static <T> Panel<T> of(String service, T value) {
        return new Panel<>(service, value, null);
    }

    static <T> Panel<T> failed(String service, String error) {
        return new Panel<>(service, null, error);
    }

    public boolean ok() {
        return error == null;
    }
}
