package dev.cairn.testkit.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link Clock} that only moves when a test calls {@link #advance(Duration)}, so ages and access order can be
 * tested without sleeping. Thread-safe.
 */
public final class ManualClock extends Clock {
    private volatile Instant now;

    /** @param start the initial instant */
    public ManualClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start is null");
    }

    /** Starts at 2026-01-01T00:00:00Z. */
    public ManualClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * Moves the clock forward.
     *
     * @param duration how far; must not be negative
     */
    public synchronized void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot go back in time: " + duration);
        }
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException("ManualClock is always UTC");
        }
        return this;
    }
}
