package eventshop.launcher.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback converter for {@code %lvl}: the level, five wide, in colour only when the system
 * property {@code eventshop.log.color} is {@code true} (the {@code ./store} script sets it when
 * its output is a terminal), so a log piped to a file holds no escape codes.
 */
public final class LevelConverter extends ClassicConverter {

    private static final boolean COLOR = Boolean.getBoolean("eventshop.log.color");

    @Override
    public String convert(ILoggingEvent event) {
        Level level = event.getLevel();
        String text = String.format("%-5s", level);
        if (!COLOR) {
            return text;
        }
        String color = switch (level.toInt()) {
            case Level.ERROR_INT -> "\u001b[1;31m";
            case Level.WARN_INT -> "\u001b[33m";
            case Level.INFO_INT -> "\u001b[32m";
            default -> "\u001b[2m";
        };
        return color + text + "\u001b[0m";
    }
}
