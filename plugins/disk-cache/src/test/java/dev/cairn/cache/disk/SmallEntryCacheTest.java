package dev.cairn.cache.disk;

import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.Store;
import dev.cairn.testkit.store.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The small-entry cache of the disk store: hot small entries are served from memory, and no put, delete, eviction
 * or clean ever lets it serve a version that left the index. Deleting an entry file behind the store's back shows
 * whether a read came from memory (it still succeeds) or from the file (it misses).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmallEntryCacheTest {
    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock();

    private DiskStore open(long maxSize, long memoryCache) throws IOException {
        Path dir = tmp.resolve("s");
        return DiskStore.open(dir, new DiskStoreConfig(dir.toString(), DataSize.ofBytes(maxSize), null, null,
                DataSize.ofBytes(0), null, false, DataSize.ofBytes(memoryCache)), clock);
    }

    private static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] streamed(Store store, String key) throws IOException {
        Optional<Blob> blob = store.get(key, "output");
        assertTrue(blob.isPresent(), key + " present");
        try (Blob b = blob.get(); InputStream in = b.stream()) {
            return in.readAllBytes();
        }
    }

    @Test
    void aReadSmallEntryIsServedFromMemoryByGetAndGetBytes() throws Exception {
        try (DiskStore store = open(0, 1 << 20)) {
            store.put("k1", "output", filled(4096, 1));
            assertEquals(0, store.memoryCacheBytes(), "a put does not fill the cache");
            assertArrayEquals(filled(4096, 1), streamed(store, "k1"));
            assertTrue(store.memoryCacheBytes() >= 4096);
            Files.delete(store.entryPath("k1"));
            assertArrayEquals(filled(4096, 1), streamed(store, "k1"), "served without the file");
            byte[] copy = store.getBytes("k1", "output").orElseThrow();
            assertArrayEquals(filled(4096, 1), copy);
            copy[0] = 9; // the caller's array is its own
            assertArrayEquals(filled(4096, 1), store.getBytes("k1", "output").orElseThrow());
            assertFalse(store.get("k1", "stdout").isPresent(), "a blob the entry lacks is still missing");
        }
    }

    @Test
    void aPutOfTheKeyIsSeenAtOnce() throws Exception {
        try (DiskStore store = open(0, 1 << 20)) {
            store.put("k1", "output", filled(4096, 1));
            assertArrayEquals(filled(4096, 1), streamed(store, "k1"));
            store.put("k1", "output", filled(4000, 2));
            assertArrayEquals(filled(4000, 2), streamed(store, "k1"));
            assertArrayEquals(filled(4000, 2), store.getBytes("k1", "output").orElseThrow());
            store.put("k1", Map.of("output", BlobSource.of(filled(10, 3)), "stdout", BlobSource.of(filled(5, 4))));
            assertArrayEquals(filled(10, 3), store.getBytes("k1", "output").orElseThrow());
            assertArrayEquals(filled(5, 4), store.getBytes("k1", "stdout").orElseThrow());
            long oneEntry = store.memoryCacheBytes();
            assertTrue(oneEntry > 0 && oneEntry < 4000, "the replaced versions' bytes were released: " + oneEntry);
        }
    }

    @Test
    void deleteDropsTheCachedBytes() throws Exception {
        try (DiskStore store = open(0, 1 << 20)) {
            store.put("k1", "output", filled(4096, 1));
            streamed(store, "k1");
            assertTrue(store.delete("k1"));
            assertFalse(store.get("k1", "output").isPresent());
            assertFalse(store.getBytes("k1", "output").isPresent());
            assertEquals(0, store.memoryCacheBytes());
        }
    }

    @Test
    void evictionAndCleanDropTheCachedBytes() throws Exception {
        int entry = 4096 + EntryFormat.headerLength(java.util.List.of("output"));
        try (DiskStore store = open(2L * entry, 1 << 20)) {
            store.put("k1", "output", filled(4096, 1));
            streamed(store, "k1");
            clock.advance(Duration.ofSeconds(1));
            store.put("k2", "output", filled(4096, 2));
            streamed(store, "k2");
            clock.advance(Duration.ofSeconds(1));
            store.put("k3", "output", filled(4096, 3)); // evicts k1, the least recently used
            assertFalse(store.get("k1", "output").isPresent(), "evicted, though its bytes were cached");
            assertArrayEquals(filled(4096, 2), streamed(store, "k2"));
            long k2Only = store.memoryCacheBytes();
            assertTrue(k2Only >= 4096 && k2Only < 2 * 4096, "only k2 is held: " + k2Only);
            store.clean(0, null);
            assertFalse(store.get("k2", "output").isPresent(), "cleaned, though its bytes were cached");
            assertEquals(0, store.memoryCacheBytes());
        }
    }

    @Test
    void theBudgetBoundsTheHeapAndZeroDisablesIt() throws Exception {
        try (DiskStore store = open(0, 6000)) {
            store.put("k1", "output", filled(4096, 1));
            store.put("k2", "output", filled(4096, 2));
            streamed(store, "k1");
            streamed(store, "k2");
            assertTrue(store.memoryCacheBytes() <= 6000, "within the budget: " + store.memoryCacheBytes());
            Files.delete(store.entryPath("k1"));
            assertFalse(store.get("k1", "output").isPresent(), "k1, admitted first, made room for k2");
            Files.delete(store.entryPath("k2"));
            assertArrayEquals(filled(4096, 2), streamed(store, "k2"), "k2 is held");
        }
        try (DiskStore store = open(0, 0)) {
            store.put("k3", "output", filled(100, 1));
            streamed(store, "k3");
            assertEquals(0, store.memoryCacheBytes());
            Files.delete(store.entryPath("k3"));
            assertFalse(store.get("k3", "output").isPresent(), "nothing cached with memoryCache: 0");
        }
    }

    @Test
    void largeEntriesAreNeverCached() throws Exception {
        try (DiskStore store = open(0, 1 << 30)) {
            store.put("k1", "output", filled(SmallEntryCache.MAX_ENTRY, 1)); // with its header, above the limit
            assertArrayEquals(filled(SmallEntryCache.MAX_ENTRY, 1), streamed(store, "k1"));
            assertArrayEquals(filled(SmallEntryCache.MAX_ENTRY, 1), store.getBytes("k1", "output").orElseThrow());
            assertEquals(0, store.memoryCacheBytes());
        }
    }

    @Test
    void readersRacingPutsSeeWholeVersionsAndTheLastPutWins() throws Exception {
        try (DiskStore store = open(0, 1 << 20)) {
            store.put("k1", "output", filled(3000, 0));
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(2);
            try {
                java.util.List<java.util.concurrent.Future<Integer>> reads = new java.util.ArrayList<>();
                for (int r = 0; r < 2; r++) {
                    boolean stream = r == 0;
                    reads.add(readers.submit(() -> {
                        int n = 0;
                        while (!stop.get()) {
                            byte[] got = stream ? streamed(store, "k1")
                                    : store.getBytes("k1", "output").orElseThrow();
                            assertEquals(3000, got.length);
                            for (byte b : got) {
                                if (b != got[0]) {
                                    throw new AssertionError("a mixed version was read");
                                }
                            }
                            n++;
                        }
                        return n;
                    }));
                }
                for (int v = 1; v <= 200; v++) {
                    store.put("k1", "output", filled(3000, v));
                }
                stop.set(true);
                for (java.util.concurrent.Future<Integer> f : reads) {
                    assertTrue(f.get(30, TimeUnit.SECONDS) > 0);
                }
            } finally {
                stop.set(true);
                readers.shutdownNow();
            }
            assertArrayEquals(filled(3000, 200), streamed(store, "k1"));
            assertArrayEquals(filled(3000, 200), store.getBytes("k1", "output").orElseThrow());
            assertTrue(store.memoryCacheBytes() <= 3000 + 64, "only the current version is held: "
                    + store.memoryCacheBytes());
        }
    }
}
