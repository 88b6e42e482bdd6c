package dev.cairn.cache.s3;

import dev.cairn.spi.store.Store;
import dev.cairn.testkit.InMemoryStore;
import dev.cairn.testkit.store.ManualClock;
import dev.cairn.tier.TierOptions;
import dev.cairn.tier.TieredStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fast tier in front of the real S3 store; S3 (s3proxy) is stopped mid-run and started again. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3TieredOutageTest {
    private S3ProxyFixture s3;
    private ManualClock clock;
    private InMemoryStore fast;
    private S3Store slow;
    private TieredStore tiered;

    @BeforeEach
    void setUp() throws Exception {
        s3 = new S3ProxyFixture();
        clock = new ManualClock(Instant.now());
        fast = new InMemoryStore(0, clock);
        slow = S3StoreFactory.open(s3.options("tiered", "", 0, true), clock, Duration.ofHours(1));
        tiered = new TieredStore(List.of(fast, slow), new TierOptions(Duration.ofSeconds(10), Duration.ofMinutes(1)),
                clock);
    }

    @AfterEach
    void tearDown() throws Exception {
        tiered.close();
        s3.close();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> s3Status() {
        return ((List<Map<String, Object>>) tiered.status().get("tiers")).get(1);
    }

    @Test
    void keepsServingFromTheFastTierWhileS3IsDownAndRecovers() throws Exception {
        tiered.put("both1", "output", new byte[]{1});
        slow.put("s3only", "output", new byte[]{2});
        assertArrayEquals(new byte[]{2}, tiered.getBytes("s3only", "output").orElseThrow(), "filled from S3");
        assertTrue(fast.has("s3only"));
        slow.put("later1", "output", new byte[]{3});

        s3.stop();
        try {
            assertArrayEquals(new byte[]{1}, tiered.getBytes("both1", "output").orElseThrow());
            tiered.put("during", "output", new byte[]{4});
            assertTrue(tiered.getBytes("later1", "output").isEmpty(), "S3-only entry is a miss, not an error");
            assertArrayEquals(new byte[]{4}, tiered.getBytes("during", "output").orElseThrow());
            assertEquals(false, s3Status().get("up"));
            assertTrue(String.valueOf(s3Status().get("lastError")).contains("unreachable"), s3Status().toString());
        } finally {
            s3.restart();
        }

        assertTrue(tiered.getBytes("later1", "output").isEmpty(), "not probed again before the interval");
        clock.advance(Duration.ofSeconds(10));
        assertArrayEquals(new byte[]{3}, tiered.getBytes("later1", "output").orElseThrow(), "probe reaches S3");
        assertEquals(true, s3Status().get("up"));
        tiered.put("after", "output", new byte[]{5});
        assertTrue(slow.has("after"), "writes reach S3 again");
        assertFalse(slow.has("during"), "write-through: what was written during the outage is only in the fast tier");
    }
}
