package dev.cairn.server.metrics;

import org.slf4j.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs request errors one line per class of error, not one per request: the first occurrence of a class is logged,
 * repeats within the interval are counted and reported with the next line of that class.
 */
public final class ErrorLog {
    private final Logger log;
    private final Clock clock;
    private final Duration interval;
    private final Map<String, State> classes = new ConcurrentHashMap<>();

    private static final class State {
        Instant lastLogged;
        long suppressed;
    }

    /**
     * @param log where to log
     * @param clock the clock deciding when a class may be logged again
     * @param interval how long repeats of one class stay quiet
     */
    public ErrorLog(Logger log, Clock clock, Duration interval) {
        this.log = Objects.requireNonNull(log, "log is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.interval = Objects.requireNonNull(interval, "interval is null");
    }

    /**
     * @param errorClass what kind of error, e.g. {@code 507 StoreFullException}
     * @param detail this occurrence's message
     * @return whether a line was logged
     */
    public boolean report(String errorClass, String detail) {
        State state = classes.computeIfAbsent(errorClass, c -> new State());
        long suppressed;
        synchronized (state) {
            Instant now = clock.instant();
            if (state.lastLogged != null && now.isBefore(state.lastLogged.plus(interval))) {
                state.suppressed++;
                return false;
            }
            suppressed = state.suppressed;
            state.suppressed = 0;
            state.lastLogged = now;
        }
        if (suppressed > 0) {
            log.warn("{}: {} ({} more since the last report)", errorClass, detail, suppressed);
        } else {
            log.warn("{}: {}", errorClass, detail);
        }
        return true;
    }
}
