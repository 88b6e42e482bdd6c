package dev.cairn.tier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whether one tier is up, shared by every namespace view of a tiered store. A failure marks the tier down; while
 * down, one request per probe interval tries it (the request is the probe) and a success brings it back. Failures
 * are logged once per log interval, with the number suppressed in between.
 */
final class TierHealth {
    private static final Logger LOG = LoggerFactory.getLogger(TieredStore.class);

    private final int index;
    private final String name;
    private final Clock clock;
    private final TierOptions options;
    /** Read without the lock on the hot path: an up tier costs one volatile read per request. */
    private volatile boolean down;
    private Instant downSince;
    private Instant nextProbe = Instant.MIN;
    private String lastError;
    private Instant lastErrorAt;
    private Instant lastLogged;
    private long suppressed;
    private long errors;
    private long logged;
    private final LongAdder hits = new LongAdder();

    TierHealth(int index, String name, Clock clock, TierOptions options) {
        this.index = index;
        this.name = Objects.requireNonNull(name, "name is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.options = Objects.requireNonNull(options, "options is null");
    }

    String name() {
        return name;
    }

    int index() {
        return index;
    }

    /** @return whether a request should use this tier now (always when up; once per probe interval when down) */
    boolean tryUse() {
        return !down || tryProbe();
    }

    private synchronized boolean tryProbe() {
        if (!down) {
            return true;
        }
        Instant now = clock.instant();
        if (now.isBefore(nextProbe)) {
            return false;
        }
        nextProbe = now.plus(options.probeInterval());
        return true;
    }

    boolean isUp() {
        return !down;
    }

    void succeeded() {
        if (down) {
            recovered();
        }
    }

    private synchronized void recovered() {
        if (down) {
            down = false;
            LOG.info("cache tier {} ({}) is back after {}{}", index, name,
                    Duration.between(downSince, clock.instant()),
                    suppressed > 0 ? " (" + suppressed + " more errors since the last report)" : "");
            suppressed = 0;
            lastLogged = null;
        }
    }

    void hit() {
        hits.increment();
    }

    synchronized void failed(Exception e) {
        Instant now = clock.instant();
        errors++;
        lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
        lastErrorAt = now;
        if (!down) {
            down = true;
            downSince = now;
        }
        nextProbe = now.plus(options.probeInterval());
        if (lastLogged == null || !now.isBefore(lastLogged.plus(options.logInterval()))) {
            logged++;
            LOG.warn("cache tier {} ({}) is down, serving from the other tiers: {}{}", index, name, lastError,
                    suppressed > 0 ? " (" + suppressed + " more errors since the last report)" : "");
            lastLogged = now;
            suppressed = 0;
        } else {
            suppressed++;
        }
    }

    /** @return how many failures were logged (the rest were counted only) */
    synchronized long loggedFailures() {
        return logged;
    }

    synchronized long errors() {
        return errors;
    }

    long hits() {
        return hits.sum();
    }

    synchronized Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("tier", index);
        s.put("store", name);
        s.put("up", !down);
        if (down) {
            s.put("downSince", downSince.toString());
        }
        s.put("hits", hits.sum());
        s.put("errors", errors);
        if (lastError != null) {
            s.put("lastError", lastError);
            s.put("lastErrorAt", lastErrorAt.toString());
        }
        return s;
    }
}
