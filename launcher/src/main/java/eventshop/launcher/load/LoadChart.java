package eventshop.launcher.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * {@code chart.png} of a run, drawn with the JDK alone (headless AWT): on top every accepted order at
 * the moment it was accepted, with its accepted → CONFIRMED (blue) and accepted → visible in the views
 * (orange) in milliseconds; below the cores the store kept busy, second by second.
 */
final class LoadChart {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 640;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final Color CONFIRMED = new Color(0x1f77b4);
    private static final Color VISIBLE = new Color(0xff7f0e);
    private static final Color CPU = new Color(0x2ca02c);

    private LoadChart() {
    }

    static Path write(Path file, String title, List<Outcomes.Result> orders, Instant begin, double seconds,
                      List<LoadReport.CpuSample> cpu) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.BLACK);
            g.drawString(title, LEFT, 18);
            double span = Math.max(1, seconds);

            // latency over the run
            int top = 40;
            int bottom = 400;
            double maxMs = 1;
            for (Outcomes.Result order : orders) {
                maxMs = Math.max(maxMs, ms(order.toConfirmed()));
                maxMs = Math.max(maxMs, ms(order.toVisible()));
            }
            maxMs = niceCeiling(maxMs);
            axes(g, top, bottom, span, maxMs, "ms after accepted");
            for (Outcomes.Result order : orders) {
                double at = Duration.between(begin, order.acceptedAt()).toNanos() / 1e9;
                dot(g, VISIBLE, x(at, span), y(ms(order.toVisible()), maxMs, top, bottom), order.toVisible() != null);
                dot(g, CONFIRMED, x(at, span), y(ms(order.toConfirmed()), maxMs, top, bottom), order.toConfirmed() != null);
            }
            legend(g, top, new String[] {"accepted -> CONFIRMED", "accepted -> visible in the views"},
                    new Color[] {CONFIRMED, VISIBLE});

            // the store's CPU
            int cpuTop = 450;
            int cpuBottom = 600;
            double maxCores = 1;
            for (LoadReport.CpuSample sample : cpu) {
                maxCores = Math.max(maxCores, sample.cores());
            }
            maxCores = Math.ceil(maxCores);
            axes(g, cpuTop, cpuBottom, span, maxCores, "cores (store CPU)");
            g.setColor(CPU);
            g.setStroke(new BasicStroke(2));
            double previousAt = 0;
            Integer previousY = null;
            for (LoadReport.CpuSample sample : cpu) {
                int y = y(sample.cores(), maxCores, cpuTop, cpuBottom);
                if (previousY != null) {
                    g.drawLine(x(previousAt, span), previousY, x(sample.at(), span), y);
                }
                previousAt = sample.at();
                previousY = y;
            }
            g.setColor(Color.BLACK);
            g.drawString("seconds since the first slot", WIDTH / 2 - 80, HEIGHT - 12);
        } finally {
            g.dispose();
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(image, "png", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void axes(Graphics2D g, int top, int bottom, double span, double maxY, String label) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawLine(LEFT, top, LEFT, bottom);
        g.drawLine(LEFT, bottom, WIDTH - RIGHT, bottom);
        for (int i = 0; i <= 4; i++) {
            double value = maxY * i / 4;
            int y = y(value, maxY, top, bottom);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT + 1, y, WIDTH - RIGHT, y);
            g.setColor(Color.BLACK);
            g.drawString(format(value), 8, y + 4);
        }
        double step = niceCeiling(span / 10);
        for (double t = 0; t <= span + 1e-9; t += step) {
            int x = x(t, span);
            g.drawLine(x, bottom, x, bottom + 4);
            g.drawString(format(t), x - 8, bottom + 16);
        }
        g.drawString(label, LEFT + 6, top - 4);
    }

    private static void legend(Graphics2D g, int top, String[] labels, Color[] colors) {
        int x = WIDTH - RIGHT - 260;
        for (int i = 0; i < labels.length; i++) {
            g.setColor(colors[i]);
            g.fillOval(x, top + 8 + i * 16, 8, 8);
            g.setColor(Color.BLACK);
            g.drawString(labels[i], x + 14, top + 16 + i * 16);
        }
    }

    private static void dot(Graphics2D g, Color color, int x, int y, boolean present) {
        if (present) {
            g.setColor(color);
            g.fillOval(x - 2, y - 2, 5, 5);
        }
    }

    private static double ms(Duration duration) {
        return duration == null ? 0 : duration.toNanos() / 1e6;
    }

    private static int x(double seconds, double span) {
        return LEFT + (int) Math.round(seconds / span * (WIDTH - LEFT - RIGHT));
    }

    private static int y(double value, double max, int top, int bottom) {
        return bottom - (int) Math.round(Math.min(value, max) / max * (bottom - top));
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code value}. */
    static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double factor : new double[] {1, 2, 5, 10}) {
            if (factor * power >= value - 1e-9) {
                return factor * power;
            }
        }
        return 10 * power;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
