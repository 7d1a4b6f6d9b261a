package eventshop.launcher.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Logback converter for {@code %service}: the {@link ServiceNames service} of the logging thread. */
public final class ServiceNameConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return ServiceNames.current();
    }
}
