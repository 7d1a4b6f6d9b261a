package eventshop.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** Collects the figures of one run and prints them as a text table and as Markdown. */
final class Report {

    /**
     * One line of the results table.
     *
     * @param name    the case
     * @param value   the figure, formatted
     * @param unit    its unit
     * @param latency p50 / p99 / p99.9 of the operation, or empty
     * @param target  the target from DESIGN §7, or empty
     * @param verdict met / MISSED / empty when there is no target
     * @param vsLimit the figure as a fraction of the raw disk limit, or empty
     * @param note    anything a reader needs to read the figure right
     */
    record Row(String name, String value, String unit, String latency, String target, String verdict,
               String vsLimit, String note) {
    }

    private final List<String> header = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    /** Per row: share of the cores that other processes used while its case ran. */
    private final List<String> others = new ArrayList<>();
    /** Per row: share of the cores that this process used while its case ran. */
    private final List<String> own = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void header(String line) {
        header.add(line);
    }

    void add(Row row) {
        rows.add(row);
        others.add("");
        own.add("");
        System.out.printf("  => %s: %s %s%s%s%n", row.name(), row.value(), row.unit(),
                row.latency().isEmpty() ? "" : "  latency " + row.latency(),
                row.verdict().isEmpty() ? "" : "  [" + row.verdict() + " target " + row.target() + "]");
    }

    int size() {
        return rows.size();
    }

    int noteCount() {
        return notes.size();
    }

    /** Drops the rows and notes added since the given counts (a discarded attempt of a case). */
    void truncate(int rowCount, int noteCount) {
        rows.subList(rowCount, rows.size()).clear();
        others.subList(rowCount, others.size()).clear();
        own.subList(rowCount, own.size()).clear();
        notes.subList(noteCount, notes.size()).clear();
    }

    /** Sets the "own CPU" and "others' CPU" cells of the rows from {@code fromRow} on. */
    void cpu(int fromRow, String ownShare, String othersShare) {
        for (int i = fromRow; i < rows.size(); i++) {
            own.set(i, ownShare);
            others.set(i, othersShare);
        }
    }

    void note(String line) {
        notes.add(line);
        System.out.println("  note: " + line);
    }

    void print() {
        String[] titles = {"case", "result", "unit", "latency p50 / p99 / p99.9", "target", "met?", "vs raw limit",
            "own CPU", "others' CPU"};
        int[] widths = new int[titles.length];
        for (int i = 0; i < titles.length; i++) {
            widths[i] = titles[i].length();
        }
        for (int r = 0; r < rows.size(); r++) {
            String[] cells = cells(r);
            for (int i = 0; i < cells.length; i++) {
                widths[i] = Math.max(widths[i], cells[i].length());
            }
        }
        StringBuilder out = new StringBuilder("\n");
        header.forEach(line -> out.append(line).append('\n'));
        out.append('\n');
        line(out, titles, widths);
        StringBuilder rule = new StringBuilder();
        for (int width : widths) {
            rule.append("-".repeat(width)).append("  ");
        }
        out.append(rule.toString().stripTrailing()).append('\n');
        for (int r = 0; r < rows.size(); r++) {
            line(out, cells(r), widths);
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            notes.forEach(note -> out.append("note: ").append(note).append('\n'));
        }
        System.out.print(out);
    }

    private static void line(StringBuilder out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            boolean right = i == 1;
            line.append(right ? pad(cells[i], widths[i], true) : pad(cells[i], widths[i], false)).append("  ");
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static String pad(String text, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - text.length()));
        return right ? fill + text : text + fill;
    }

    private String[] cells(int index) {
        Row row = rows.get(index);
        return new String[] {row.name(), row.value(), row.unit(), row.latency(), row.target(), row.verdict(),
                row.vsLimit(), own.get(index), others.get(index)};
    }

    void writeMarkdown(Path file) throws IOException {
        StringBuilder md = new StringBuilder("# Event store benchmark results\n\n");
        header.forEach(line -> md.append("- ").append(line).append('\n'));
        md.append("\n| case | result | unit | latency p50 / p99 / p99.9 | target | met? | vs raw limit | own CPU | others' CPU | notes |\n");
        md.append("|---|---:|---|---|---|---|---|---|---|---|\n");
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            md.append("| ").append(String.join(" | ", escape(row.name()), escape(row.value()), escape(row.unit()),
                    escape(row.latency()), escape(row.target()), escape(row.verdict()), escape(row.vsLimit()),
                    escape(own.get(r)), escape(others.get(r)), escape(row.note()))).append(" |\n");
        }
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach(note -> md.append("- ").append(note).append('\n'));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, md);
    }

    private static String escape(String cell) {
        return cell.replace("|", "\\|");
    }

    // ---- formatting helpers shared by the cases

    static String rate(double perSecond) {
        if (perSecond >= 10_000) {
            return String.format(Locale.ROOT, "%,.0f", perSecond);
        }
        return String.format(Locale.ROOT, "%,.1f", perSecond);
    }

    static String duration(long nanos) {
        if (nanos >= 10_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
        }
        if (nanos >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
        }
        if (nanos >= 10_000_000L) {
            return String.format(Locale.ROOT, "%.0f ms", nanos / 1e6);
        }
        if (nanos >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
    }

    static String latency(Histogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return "";
        }
        return duration(histogram.getValueAtPercentile(50)) + " / " + duration(histogram.getValueAtPercentile(99))
                + " / " + duration(histogram.getValueAtPercentile(99.9));
    }

    static String fraction(double value, double limit) {
        if (Double.isNaN(limit) || limit <= 0 || Double.isNaN(value)) {
            return "";
        }
        double f = value / limit;
        return f >= 10 ? String.format(Locale.ROOT, "%.0f×", f) : String.format(Locale.ROOT, "%.2f×", f);
    }

    static String mib(double bytesPerSecond) {
        return String.format(Locale.ROOT, "%.0f MiB/s", bytesPerSecond / (1024 * 1024));
    }
}
