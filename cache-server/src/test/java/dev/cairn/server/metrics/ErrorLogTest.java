package dev.cairn.server.metrics;

import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorLogTest {
    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void logsOneLinePerErrorClassPerInterval() {
        ManualClock clock = new ManualClock();
        ErrorLog log = new ErrorLog(NOPLogger.NOP_LOGGER, clock, Duration.ofMinutes(1));
        assertTrue(log.report("507 PUT", "full"));
        assertFalse(log.report("507 PUT", "full again"));
        assertTrue(log.report("400 PUT", "other class"));
        clock.now = clock.now.plusSeconds(59);
        assertFalse(log.report("507 PUT", "still quiet"));
        clock.now = clock.now.plusSeconds(1);
        assertTrue(log.report("507 PUT", "reported with the count of suppressed ones"));
        assertFalse(log.report("507 PUT", "quiet again"));
    }
}
