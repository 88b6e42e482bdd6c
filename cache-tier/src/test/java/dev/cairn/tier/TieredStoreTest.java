package dev.cairn.tier;

import dev.cairn.spi.MetricSample;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.BlobTooLargeException;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreUnavailableException;
import dev.cairn.testkit.InMemoryStore;
import dev.cairn.testkit.store.ManualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TieredStoreTest {
    private static final byte[] OUT = {1, 2, 3};
    private static final byte[] ERR = {4, 5};

    private ManualClock clock;
    private InMemoryStore fastMemory;
    private InMemoryStore slowMemory;
    private FailingStore fast;
    private FailingStore slow;
    private TieredStore tiered;

    @BeforeEach
    void setUp() {
        clock = new ManualClock();
        fastMemory = new InMemoryStore(0, clock);
        slowMemory = new InMemoryStore(0, clock);
        fast = new FailingStore(fastMemory, "fast");
        slow = new FailingStore(slowMemory, "slow");
        tiered = new TieredStore(List.of(fast, slow), new TierOptions(Duration.ofSeconds(10), Duration.ofMinutes(1)),
                clock);
    }

    private static Map<String, BlobSource> entry() {
        return Map.of("output", BlobSource.of(OUT), "stderr", BlobSource.of(ERR));
    }

    @Nested
    class ReadsAndWrites {
        @Test
        void writesGoToEveryTier() throws Exception {
            tiered.put("k1", entry());
            assertArrayEquals(OUT, fastMemory.getBytes("k1", "output").orElseThrow());
            assertArrayEquals(ERR, slowMemory.getBytes("k1", "stderr").orElseThrow());
        }

        @Test
        void aHitBelowFillsTheFasterTierWithTheWholeEntry() throws Exception {
            slowMemory.put("k1", entry());

            assertArrayEquals(OUT, tiered.getBytes("k1", "output").orElseThrow());

            assertArrayEquals(OUT, fastMemory.getBytes("k1", "output").orElseThrow());
            assertArrayEquals(ERR, fastMemory.getBytes("k1", "stderr").orElseThrow(), "the other blob came along");
            long slowHits = slowMemory.hits();
            assertArrayEquals(ERR, tiered.getBytes("k1", "stderr").orElseThrow());
            assertEquals(slowHits, slowMemory.hits(), "second read served by the fast tier");
            assertEquals(1L, tiered.status().get("fills"));
        }

        @Test
        void largeBlobsAreFilledThroughATemporaryFile() throws Exception {
            byte[] big = new byte[(int) SpooledBlob.MEMORY_LIMIT + 10];
            big[big.length - 1] = 9;
            slowMemory.put("big1", "output", big);
            assertArrayEquals(big, tiered.getBytes("big1", "output").orElseThrow());
            assertArrayEquals(big, fastMemory.getBytes("big1", "output").orElseThrow());
            try (var tmp = java.nio.file.Files.list(java.nio.file.Path.of(System.getProperty("java.io.tmpdir")))) {
                assertEquals(List.of(), tmp.filter(p -> p.getFileName().toString().startsWith("cairn-tier-fill"))
                        .toList(), "the spooled copy is deleted once served");
            }
        }

        @Test
        void aMissEverywhereIsEmpty() throws Exception {
            assertTrue(tiered.get("nothere", "output").isEmpty());
            assertFalse(tiered.has("nothere"));
            assertFalse(tiered.delete("nothere"));
        }

        @Test
        void deleteRemovesFromEveryTier() throws Exception {
            tiered.put("k1", entry());
            assertTrue(tiered.delete("k1"));
            assertFalse(fastMemory.has("k1"));
            assertFalse(slowMemory.has("k1"));
        }

        @Test
        void aTierThatRefusesTheBlobDoesNotStopTheOthers() throws Exception {
            InMemoryStore small = new InMemoryStore(2, clock);
            try (TieredStore t = new TieredStore(List.of(small, slowMemory), TierOptions.defaults(), clock)) {
                t.put("k1", "output", OUT);
                assertFalse(small.has("k1"));
                assertArrayEquals(OUT, t.getBytes("k1", "output").orElseThrow());
                assertTrue(t.health(0).isUp(), "too large is an answer, not an outage");
                assertThrows(BlobTooLargeException.class,
                        () -> new TieredStore(List.of(small)).put("k2", "output", OUT));
            }
        }

        @Test
        void namespacesStackTheTiersNamespaces() throws Exception {
            Store ns = tiered.namespace("ns1");
            ns.put("k1", "output", OUT);
            assertArrayEquals(OUT, fastMemory.namespace("ns1").getBytes("k1", "output").orElseThrow());
            assertArrayEquals(OUT, slowMemory.namespace("ns1").getBytes("k1", "output").orElseThrow());
            assertFalse(tiered.has("k1"));
            assertThrows(IllegalArgumentException.class, () -> tiered.namespace("../x"));
        }
    }

    @Nested
    class Outages {
        @Test
        void aDownSlowTierIsSkippedAndReportedWhileTheFastOneServes() throws Exception {
            tiered.put("k1", entry());
            slow.down(true);

            tiered.put("k2", "output", OUT);
            assertArrayEquals(OUT, tiered.getBytes("k2", "output").orElseThrow());
            assertArrayEquals(OUT, tiered.getBytes("k1", "output").orElseThrow());
            assertFalse(slowMemory.has("k2"), "written while down: not in the slow tier");

            assertFalse(tiered.health(1).isUp());
            @SuppressWarnings("unchecked")
            Map<String, Object> slowStatus = ((List<Map<String, Object>>) tiered.status().get("tiers")).get(1);
            assertEquals(false, slowStatus.get("up"));
            assertEquals("slow", slowStatus.get("store"));
            assertTrue(String.valueOf(slowStatus.get("lastError")).contains("slow is unreachable"), slowStatus.toString());
            assertEquals(0.0, metric("cairn_cache_tier_up", "1"));
            assertEquals(1.0, metric("cairn_cache_tier_up", "0"));
        }

        @Test
        void aDownTierIsNotCalledUntilItsProbeIsDueThenRecovers() throws Exception {
            slow.down(true);
            tiered.put("k1", "output", OUT); // fails in slow: marked down
            int calls = slow.calls.get();
            for (int i = 0; i < 5; i++) {
                assertTrue(tiered.getBytes("k1", "output").isPresent());
                assertTrue(tiered.get("absent" + i, "output").isEmpty(), "a miss in the fast tier");
            }
            assertEquals(calls, slow.calls.get(), "skipped within the probe interval");

            clock.advance(Duration.ofSeconds(10));
            assertTrue(tiered.get("absent", "output").isEmpty());
            assertEquals(calls + 1, slow.calls.get(), "one probe when due");
            assertFalse(tiered.health(1).isUp(), "probe failed: still down");

            slow.down(false);
            clock.advance(Duration.ofSeconds(10));
            tiered.put("k3", "output", OUT);
            assertTrue(tiered.health(1).isUp(), "recovered");
            assertTrue(slowMemory.has("k3"));
            assertEquals(1.0, metric("cairn_cache_tier_up", "1"));
        }

        @Test
        void failuresAreLoggedOncePerInterval() throws Exception {
            slow.down(true);
            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofSeconds(10)); // due for a probe each time, so each request fails again
                tiered.put("k" + i, "output", OUT);
            }
            assertEquals(5, tiered.health(1).errors());
            assertEquals(1, tiered.health(1).loggedFailures(), "40 s of failures: one report");
            clock.advance(Duration.ofSeconds(30));
            tiered.put("k9", "output", OUT);
            assertEquals(2, tiered.health(1).loggedFailures(), "a minute later: the next report");
        }

        @Test
        void aDownFastTierIsBypassedAndNotFilled() throws Exception {
            slowMemory.put("k1", entry());
            fast.down(true);
            assertArrayEquals(OUT, tiered.getBytes("k1", "output").orElseThrow());
            assertArrayEquals(ERR, tiered.getBytes("k1", "stderr").orElseThrow());
            assertFalse(fastMemory.has("k1"));
            assertTrue(tiered.has("k1"));
        }

        @Test
        void aFailingSourceIsTheCallersErrorNotAnOutage() throws Exception {
            BlobSource broken = new BlobSource() {
                @Override
                public long size() {
                    return 10;
                }

                @Override
                public java.io.InputStream open() throws java.io.IOException {
                    throw new java.io.IOException("client went away");
                }
            };
            java.io.IOException e = assertThrows(java.io.IOException.class,
                    () -> tiered.put("k1", Map.of("output", broken)));
            assertEquals("client went away", e.getMessage());
            assertTrue(tiered.health(0).isUp());
            assertTrue(tiered.health(1).isUp());
            assertEquals(0, slow.calls.get(), "the slow tier was not asked to read a broken source again");
        }

        @Test
        void everyTierDownIsUnavailable() throws Exception {
            fast.down(true);
            slow.down(true);
            assertThrows(StoreUnavailableException.class, () -> tiered.get("k1", "output"));
            assertThrows(StoreUnavailableException.class, () -> tiered.put("k1", "output", OUT));
            assertThrows(StoreUnavailableException.class, () -> tiered.has("k1"), "both skipped: not due");
        }

        @Test
        void namespaceViewsShareTheTiersHealth() throws Exception {
            slow.down(true);
            tiered.namespace("ns1").put("k1", "output", OUT);
            assertFalse(tiered.health(1).isUp());
            int calls = slow.calls.get();
            tiered.put("k2", "output", OUT);
            assertEquals(calls, slow.calls.get(), "the root view skips the tier its namespace found down");
        }
    }

    private double metric(String name, String tier) {
        for (MetricSample m : tiered.metrics()) {
            if (m.name().equals(name) && m.labels().get("tier").equals(tier)) {
                return m.value();
            }
        }
        throw new AssertionError("no " + name + " for tier " + tier);
    }
}
