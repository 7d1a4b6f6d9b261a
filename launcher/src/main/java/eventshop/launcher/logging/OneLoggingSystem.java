package eventshop.launcher.logging;

import org.slf4j.bridge.SLF4JBridgeHandler;
import org.springframework.boot.logging.LoggingSystem;

/**
 * One logging configuration for all the store's contexts (DESIGN §9): Boot must not re-initialise
 * logging once per context, which would print lines twice and overwrite levels. The launcher's
 * {@code logback.xml} is the one configuration; its columns come from {@link ServiceNameConverter}
 * and {@link LevelConverter}, its known noise is dropped by {@link KnownNoise}.
 */
public final class OneLoggingSystem {

    private OneLoggingSystem() {
    }

    /** Called before the first context starts; keeps a logging system chosen from outside. */
    public static void install() {
        if (System.getProperty(LoggingSystem.SYSTEM_PROPERTY) == null) {
            System.setProperty(LoggingSystem.SYSTEM_PROPERTY, LoggingSystem.NONE);
        }
        // what Boot's logging system would have done: java.util.logging (Tomcat) into SLF4J
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
