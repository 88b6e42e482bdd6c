package dev.cairn.host.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.cairn.host.config.CairnConfig;
import org.slf4j.LoggerFactory;

/** Applies {@code log.level} to the root logger; can be called again when the config reloads. */
public final class LogLevels {
    private LogLevels() {
    }

    /** @param level the level to apply */
    public static void apply(CairnConfig.LogLevel level) {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.toLevel(level.name(), Level.INFO));
        }
    }
}
