package dev.cairn.tier;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TieredStore} treats a failing tier.
 *
 * @param probeInterval how long a tier that failed is skipped before one request tries it again; default 10s
 * @param logInterval a failing tier is logged at most once per this interval (with a count of the errors in
 *                    between); default 60s
 */
public record TierOptions(Duration probeInterval, Duration logInterval) {
    /** Validates; both intervals must be positive. */
    public TierOptions {
        Objects.requireNonNull(probeInterval, "probeInterval is null");
        Objects.requireNonNull(logInterval, "logInterval is null");
        if (probeInterval.isNegative() || probeInterval.isZero()) {
            throw new IllegalArgumentException("probeInterval must be positive: " + probeInterval);
        }
        if (logInterval.isNegative() || logInterval.isZero()) {
            throw new IllegalArgumentException("logInterval must be positive: " + logInterval);
        }
    }

    /** @return probe every 10 s, log every 60 s */
    public static TierOptions defaults() {
        return new TierOptions(Duration.ofSeconds(10), Duration.ofSeconds(60));
    }
}
