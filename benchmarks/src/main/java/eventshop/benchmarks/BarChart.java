package eventshop.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A grouped bar chart on a logarithmic axis, drawn with Java2D and written as PNG: one group per
 * writer count, one bar per system, the value printed on every bar, and optional dashed reference
 * lines (such as the disk's raw fsync rate). Plain JDK, no charting library.
 */
final class BarChart {

    /** Okabe-Ito colours: distinguishable with the common kinds of colour blindness, and in greyscale by order. */
    private static final Color[] PALETTE = {
            new Color(0x0072B2), new Color(0x56B4E9), new Color(0xE69F00), new Color(0x009E73),
            new Color(0xCC79A7), new Color(0xD55E00), new Color(0x7F7F7F), new Color(0xF0E442)};

    /** A named series: one value per group (NaN for a missing one). */
    record Series(String name, double[] values) {
    }

    /** A horizontal dashed line across the plot at {@code value}, labelled. */
    record Reference(String label, double value) {
    }

    private static final int WIDTH = 1500;
    private static final int HEIGHT = 860;

    private BarChart() {
    }

    static void write(Path file, String title, String subtitle, String xLabel, String yLabel, List<String> groups,
                      List<Series> series, List<Reference> references) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);

        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 26);
        Font textFont = new Font(Font.SANS_SERIF, Font.PLAIN, 16);
        Font smallFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        Font valueFont = new Font(Font.SANS_SERIF, Font.BOLD, 13);

        g.setColor(Color.BLACK);
        g.setFont(titleFont);
        centre(g, title, WIDTH / 2, 40);
        g.setFont(smallFont);
        g.setColor(new Color(0x444444));
        centre(g, subtitle, WIDTH / 2, 66);

        int legendRows = (series.size() + references.size() + 2) / 3;
        int left = 110;
        int right = WIDTH - 40;
        int top = 95;
        int bottom = HEIGHT - 90 - legendRows * 26;

        double min = Double.MAX_VALUE;
        double max = 0;
        for (Series s : series) {
            for (double v : s.values()) {
                if (v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        for (Reference r : references) {
            min = Math.min(min, r.value());
            max = Math.max(max, r.value());
        }
        double logMin = Math.floor(Math.log10(min * 0.9));
        double logMax = Math.ceil(Math.log10(max * 1.6));
        java.util.function.DoubleUnaryOperator y = v -> bottom - (Math.log10(v) - logMin) / (logMax - logMin)
                * (bottom - top);

        // grid: 1, 2, 5 per decade; decades labelled
        g.setFont(textFont);
        for (int decade = (int) logMin; decade < (int) logMax + 1; decade++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, decade);
                if (Math.log10(v) > logMax + 1e-9) {
                    continue;
                }
                int yy = (int) Math.round(y.applyAsDouble(v));
                g.setColor(m == 1 ? new Color(0xBBBBBB) : new Color(0xE6E6E6));
                g.setStroke(new BasicStroke(1));
                g.drawLine(left, yy, right, yy);
                g.setColor(m == 1 ? Color.BLACK : new Color(0x888888));
                g.setFont(m == 1 ? textFont : smallFont);
                String label = compact(v);
                g.drawString(label, left - 10 - g.getFontMetrics().stringWidth(label), yy + 5);
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(left, top, left, bottom);
        g.drawLine(left, bottom, right, bottom);

        // y axis label, rotated
        g.setFont(textFont);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centre(g, yLabel, -(top + bottom) / 2, 30);
        g.setTransform(saved);

        // bars
        int groupWidth = (right - left) / groups.size();
        int barWidth = (int) (groupWidth * 0.86 / series.size());
        for (int gi = 0; gi < groups.size(); gi++) {
            int groupStart = left + gi * groupWidth + (groupWidth - barWidth * series.size()) / 2;
            for (int si = 0; si < series.size(); si++) {
                double v = series.get(si).values()[gi];
                int x = groupStart + si * barWidth;
                if (!(v > 0)) {
                    g.setColor(new Color(0x888888));
                    g.setFont(valueFont);
                    centre(g, "n/a", x + barWidth / 2, bottom - 6);
                    continue;
                }
                int yy = (int) Math.round(y.applyAsDouble(v));
                g.setColor(PALETTE[si % PALETTE.length]);
                g.fillRect(x + 2, yy, barWidth - 4, bottom - yy);
                g.setColor(new Color(0x333333));
                g.setStroke(new BasicStroke(1));
                g.drawRect(x + 2, yy, barWidth - 4, bottom - yy);
                g.setColor(Color.BLACK);
                g.setFont(valueFont);
                centre(g, compact(v), x + barWidth / 2, yy - 6);
            }
            g.setFont(textFont);
            g.setColor(Color.BLACK);
            centre(g, groups.get(gi), left + gi * groupWidth + groupWidth / 2, bottom + 24);
        }
        centre(g, xLabel, (left + right) / 2, bottom + 50);

        // reference lines, over the bars
        for (Reference r : references) {
            int yy = (int) Math.round(y.applyAsDouble(r.value()));
            g.setColor(new Color(0xC00000));
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {9f, 6f}, 0f));
            g.drawLine(left, yy, right, yy);
        }

        // legend, three columns under the axis label
        g.setFont(textFont);
        int legendTop = bottom + 72;
        int columnWidth = (right - left) / 3;
        for (int si = 0; si < series.size(); si++) {
            int x = left + (si % 3) * columnWidth;
            int yy = legendTop + (si / 3) * 26;
            g.setColor(PALETTE[si % PALETTE.length]);
            g.fillRect(x, yy, 18, 18);
            g.setColor(new Color(0x333333));
            g.drawRect(x, yy, 18, 18);
            g.setColor(Color.BLACK);
            g.drawString(series.get(si).name(), x + 26, yy + 15);
        }
        for (int ri = 0; ri < references.size(); ri++) {
            int index = series.size() + ri;
            int x = left + (index % 3) * columnWidth;
            int yy = legendTop + (index / 3) * 26;
            g.setColor(new Color(0xC00000));
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            g.drawLine(x, yy + 9, x + 18, yy + 9);
            g.setColor(Color.BLACK);
            g.drawString(references.get(ri).label() + ": " + compact(references.get(ri).value()) + "/s", x + 26, yy + 15);
        }
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
    }

    /** 752, 4.4k, 18k, 150k, 1.2M. */
    static String compact(double v) {
        if (v >= 1e6) {
            return v >= 1e7 ? String.format(Locale.ROOT, "%.0fM", v / 1e6) : String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (v >= 1e3) {
            return v >= 1e4 ? String.format(Locale.ROOT, "%.0fk", v / 1e3) : String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static void centre(Graphics2D g, String text, int x, int baseline) {
        FontMetrics metrics = g.getFontMetrics();
        g.drawString(text, x - metrics.stringWidth(text) / 2, baseline);
    }
}
