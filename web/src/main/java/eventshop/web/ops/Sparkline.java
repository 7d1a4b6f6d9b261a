package eventshop.web.ops;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A small chart of numbers drawn by the page as an inline SVG {@code <polyline>} (no script): the points in a
 * {@value #WIDTH}×{@value #HEIGHT} view box, left (oldest) to right (newest), the largest value at the top.
 *
 * @param points the polyline's {@code points} attribute; empty for fewer than two values
 * @param latest the newest value (0 for none)
 * @param max    the largest value (0 for none)
 */
public record Sparkline(String points, long latest, long max) {

    public static final int WIDTH = 120;
    public static final int HEIGHT = 30;

    public static Sparkline of(List<Long> values) {
        if (values.isEmpty()) {
            return new Sparkline("", 0, 0);
        }
        long max = values.stream().mapToLong(Long::longValue).max().orElse(0);
        long latest = values.getLast();
        if (values.size() < 2) {
            return new Sparkline("", latest, max);
        }
        double step = (double) WIDTH / (values.size() - 1);
        String points = IntStream.range(0, values.size())
                .mapToObj(i -> String.format(Locale.ROOT, "%.1f,%.1f", i * step,
                        max == 0 ? HEIGHT : HEIGHT - (double) values.get(i) / max * (HEIGHT - 2) - 1))
                .collect(Collectors.joining(" "));
        return new Sparkline(points, latest, max);
    }

    public boolean drawn() {
        return !points.isEmpty();
    }
}
