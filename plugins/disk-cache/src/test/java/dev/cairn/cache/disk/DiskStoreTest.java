package dev.cairn.cache.disk;

import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFullException;
import dev.cairn.testkit.store.ManualClock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Disk-specific behaviour beyond the contract: restart, budget reservations, dedup, recovery, escapes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DiskStoreTest {
    @TempDir
    Path tmp;

    private final ManualClock clock = new ManualClock();

    private DiskStore open(Path dir, long maxSize) throws IOException {
        return DiskStore.open(dir, DiskStoreContractTest.config(dir, maxSize), clock);
    }

    private static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Nested
    class LruAcrossRestart {
        @Test
        void accessOrderSurvivesARestart() throws Exception {
            Path dir = tmp.resolve("s");
            try (DiskStore store = open(dir, 0)) {
                for (String key : List.of("k1", "k2", "k3")) {
                    store.put(key, "output", filled(1000, 1));
                    clock.advance(Duration.ofMinutes(1));
                }
                assertTrue(store.getBytes("k1", "output").isPresent());
                clock.advance(Duration.ofMinutes(1));
                assertTrue(store.has("k2")); // not an access
                assertEquals(List.of("k2", "k3", "k1"), store.lruOrder());
                assertEquals(clock.millis() - 60_000, Files.getLastModifiedTime(store.entryPath("k1")).toMillis(),
                        "the read was recorded as the file's modification time");
            }
            try (DiskStore store = open(dir, 0)) {
                assertEquals(List.of("k2", "k3", "k1"), store.lruOrder(), "order rebuilt from access times");
                long perEntry = store.stats().sizeBytes() / 3;
                store.clean(2 * perEntry, null);
                assertFalse(store.has("k2"), "least recently used before the restart is evicted first after it");
                assertTrue(store.has("k1"));
                assertTrue(store.has("k3"));
            }
        }

        @Test
        void budgetEvictionAfterRestartFollowsTheOldAccessOrder() throws Exception {
            Path dir = tmp.resolve("s");
            long perEntry;
            try (DiskStore store = open(dir, 0)) {
                for (String key : List.of("k1", "k2", "k3")) {
                    store.put(key, "output", filled(10_000, 1));
                    clock.advance(Duration.ofMinutes(1));
                }
                store.getBytes("k2", "output");
                clock.advance(Duration.ofSeconds(2));
                store.getBytes("k1", "output");
                perEntry = store.stats().sizeBytes() / 3;
            }
            try (DiskStore store = open(dir, 3 * perEntry)) {
                clock.advance(Duration.ofMinutes(1));
                store.put("k4", "output", filled(10_000, 2));
                assertEquals(List.of("k2", "k1", "k4"), store.lruOrder(), "k3 (oldest access) was evicted");
            }
        }

        @Test
        void accessTimeTiesAreOrderedByKeyAfterRestart() throws Exception {
            Path dir = tmp.resolve("s");
            try (DiskStore store = open(dir, 0)) {
                store.put("zz", "output", filled(10, 1));
                store.put("aa", "output", filled(10, 1));
            }
            try (DiskStore store = open(dir, 0)) {
                assertEquals(List.of("aa", "zz"), store.lruOrder());
            }
        }
    }

    @Nested
    class Budget {
        @Test
        void concurrentWritersNeverTakeTheDiskPastTheBudgetByMoreThanOneBlob() throws Exception {
            Path dir = tmp.resolve("s");
            long budget = 1 << 20;
            int blob = 100 * 1024;
            try (DiskStore store = open(dir, budget)) {
                AtomicBoolean done = new AtomicBoolean();
                AtomicLong maxOnDisk = new AtomicLong();
                AtomicLong maxAccounted = new AtomicLong();
                ExecutorService pool = Executors.newFixedThreadPool(5);
                try {
                    Future<?> monitor = pool.submit(() -> {
                        while (!done.get()) {
                            // Under the index lock, so no rename or eviction skews the walk; temp files still grow.
                            long onDisk = store.whileIndexLocked(
                                    () -> bytesUnder(dir.resolve("main")) + bytesUnder(dir.resolve("tmp")));
                            maxOnDisk.accumulateAndGet(onDisk, Math::max);
                            maxAccounted.accumulateAndGet(store.usedAndReservedBytes(), Math::max);
                        }
                        return null;
                    });
                    List<Future<?>> writers = new ArrayList<>();
                    for (int w = 0; w < 4; w++) {
                        int writer = w;
                        writers.add(pool.submit(() -> {
                            for (int i = 0; i < 15; i++) {
                                store.put("w" + writer + "i" + i, "output", filled(blob, i));
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : writers) {
                        f.get(50, TimeUnit.SECONDS);
                    }
                    done.set(true);
                    monitor.get(10, TimeUnit.SECONDS);
                } finally {
                    done.set(true);
                    pool.shutdownNow();
                }
                long headerBound = EntryFormat.MAX_HEADER;
                assertTrue(maxAccounted.get() <= budget, "used + reserved " + maxAccounted + " within " + budget);
                assertTrue(maxOnDisk.get() <= budget + blob + headerBound,
                        "on disk at most " + maxOnDisk + " <= budget + one blob");
                assertTrue(maxOnDisk.get() > budget / 2, "the writers filled the store (" + maxOnDisk + ")");
                assertTrue(store.stats().sizeBytes() <= budget);
                assertEquals(60 - store.stats().entries(), store.status().get("evictions"));
            }
        }

        @Test
        void roomHeldByAWriteInProgressIsNotGivenAway() throws Exception {
            Path dir = tmp.resolve("s");
            try (DiskStore store = open(dir, 1_000_000)) {
                CountDownLatch midway = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                ExecutorService pool = Executors.newSingleThreadExecutor();
                try {
                    Future<?> slow = pool.submit(() -> {
                        store.put("slow", Map.of("output", stalling(600_000, midway, release)));
                        return null;
                    });
                    assertTrue(midway.await(20, TimeUnit.SECONDS));
                    assertTrue(store.reservedBytes() >= 600_000, "the slow write reserved its size first");

                    assertThrows(StoreFullException.class, () -> store.put("fast", "output", filled(600_000, 2)));
                    assertFalse(store.has("fast"));
                    store.put("small", "output", filled(300_000, 3)); // fits beside the reservation

                    release.countDown();
                    slow.get(20, TimeUnit.SECONDS);
                } finally {
                    release.countDown();
                    pool.shutdownNow();
                }
                assertEquals(0, store.reservedBytes());
                assertTrue(store.has("slow"));
                store.put("fast", "output", filled(600_000, 2)); // now evicts to make room
                assertTrue(store.has("fast"));
                assertTrue(store.stats().sizeBytes() <= 1_000_000);
            }
        }

        @Test
        void namespacesHaveTheirOwnConfiguredBudget() throws Exception {
            Path dir = tmp.resolve("s");
            DiskStoreConfig config = new DiskStoreConfig(dir.toString(), DataSize.ofBytes(1 << 20), null, null,
                    DataSize.ofBytes(50_000), Map.of("cas", DataSize.ofBytes(200_000)), true);
            try (DiskStore store = DiskStore.open(dir, config, clock)) {
                assertEquals(200_000, store.namespace("cas").stats().maxSizeBytes());
                assertEquals(50_000, store.namespace("ac").stats().maxSizeBytes());
                assertEquals(1 << 20, store.stats().maxSizeBytes());
                for (int i = 0; i < 5; i++) {
                    store.namespace("ac").put("k" + i, "output", filled(20_000, i));
                    clock.advance(Duration.ofSeconds(1));
                }
                assertEquals(2, store.namespace("ac").stats().entries(), "ac holds 2 entries of 20000 in 50000");
                assertTrue(store.namespace("ac").has("k4"));
            }
        }
    }

    @Nested
    class Dedup {
        @Test
        void concurrentPutsOfOneKeyThroughTwoViewsWriteOnce() throws Exception {
            Path dir = tmp.resolve("s");
            try (DiskStore store = open(dir, 0)) {
                CountDownLatch midway = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                AtomicInteger secondOpened = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    Store viewA = store.namespace("ns1");
                    Store viewB = store.namespace("ns1");
                    Future<?> first = pool.submit(() -> {
                        viewA.put("samekey", Map.of("output", stalling(100_000, midway, release)));
                        return null;
                    });
                    assertTrue(midway.await(20, TimeUnit.SECONDS));
                    AtomicReferenceThread second = new AtomicReferenceThread(() -> {
                        viewB.put("samekey", Map.of("output", new BlobSource() {
                            @Override
                            public long size() {
                                return 5;
                            }

                            @Override
                            public InputStream open() {
                                secondOpened.incrementAndGet();
                                return new java.io.ByteArrayInputStream(new byte[5]);
                            }
                        }));
                        return null;
                    });
                    second.start();
                    second.awaitWaitingOnConcurrentPut();
                    release.countDown();
                    first.get(20, TimeUnit.SECONDS);
                    second.join(20_000);
                    second.rethrow();
                } finally {
                    release.countDown();
                    pool.shutdownNow();
                }
                assertEquals(0, secondOpened.get(), "the second put waited for the first and wrote nothing");
                assertEquals(100_000, store.namespace("ns1").getBytes("samekey", "output").orElseThrow().length);
                @SuppressWarnings("unchecked")
                Map<String, Object> ns1 = (Map<String, Object>) ((Map<String, Object>) store.status()
                        .get("namespaces")).get("ns1");
                assertEquals(1L, ns1.get("dedupedPuts"));
                assertEquals(1L, ns1.get("puts"));
            }
        }

        @Test
        void aPutAfterAnotherFinishedWritesItsOwnContent() throws Exception {
            Path dir = tmp.resolve("s");
            try (DiskStore store = open(dir, 0)) {
                store.put("k1", "output", filled(10, 1));
                store.put("k1", "output", filled(10, 2));
                assertArrayEquals(filled(10, 2), store.getBytes("k1", "output").orElseThrow());
            }
        }
    }

    @Nested
    class Recovery {
        @Test
        void startUpRemovesTempFilesTruncatedEntriesAndForeignFiles() throws Exception {
            Path dir = tmp.resolve("s");
            try (DiskStore store = open(dir, 0)) {
                store.put("good", "output", filled(1000, 1));
                store.put("trunc", "output", filled(1000, 2));
                store.namespace("ns1").put("good", "output", filled(10, 3));
            }
            Path truncated = dir.resolve("main/tr/trunc");
            try (FileChannel ch = FileChannel.open(truncated, StandardOpenOption.WRITE)) {
                ch.truncate(500);
            }
            Files.writeString(dir.resolve("tmp/0123.tmp"), "half an entry");
            Files.writeString(dir.resolve("main/go/not a key"), "junk");
            Files.writeString(dir.resolve("main/go/xxwrongshard"), "junk");
            Files.writeString(dir.resolve("ns/Bad"), "junk");

            try (DiskStore store = open(dir, 0)) {
                assertTrue(store.has("good"));
                assertFalse(store.has("trunc"), "a truncated entry is not visible");
                assertFalse(Files.exists(truncated), "and removed");
                assertEquals(List.of(), listNames(dir.resolve("tmp")));
                assertEquals(List.of("good"), listNames(dir.resolve("main/go")));
                assertEquals(List.of("ns1"), listNames(dir.resolve("ns")));
                assertEquals(1L, store.status().get("recoveredTempFiles"));
                assertEquals(1L, store.status().get("recoveredEntries"));
                assertArrayEquals(filled(10, 3), store.namespace("ns1").getBytes("good", "output").orElseThrow());
                assertEquals(1, store.stats().entries());
            }
        }

        @Test
        void aNonEmptyDirectoryThatIsNotAStoreIsRefusedAndLeftAlone() throws Exception {
            Path dir = tmp.resolve("home");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("thesis.txt"), "precious");
            IOException e = assertThrows(IOException.class, () -> open(dir, 0));
            assertTrue(e.getMessage().contains(".cairn-disk-store"), e.getMessage());
            assertEquals(List.of("thesis.txt"), listNames(dir));
        }

        @Test
        void aStoreIsOpenOnceAtATime() throws Exception {
            Path dir = tmp.resolve("s");
            try (DiskStore store = open(dir, 0)) {
                store.put("k1", "output", filled(10, 1));
                IOException e = assertThrows(IOException.class, () -> open(dir, 0));
                assertTrue(e.getMessage().contains("already open"), e.getMessage());
            }
            try (DiskStore again = open(dir, 0)) {
                assertTrue(again.has("k1"));
            }
        }

        @Test
        void closedStoreRefusesWork() throws Exception {
            Path dir = tmp.resolve("s");
            DiskStore store = open(dir, 0);
            Store ns = store.namespace("ns1");
            store.close();
            assertThrows(IOException.class, () -> store.put("k1", "output", filled(1, 1)));
            assertThrows(IOException.class, () -> ns.get("k1", "output"));
            assertThrows(IllegalStateException.class, () -> store.namespace("ns2"));
        }
    }

    @Nested
    class Escapes {
        @Test
        void namespaceFoldersStayUnderNs() throws Exception {
            Path dir = tmp.resolve("s");
            try (DiskStore store = open(dir, 0)) {
                assertEquals(dir.resolve("main"), store.dir().orElseThrow());
                assertEquals(dir.resolve("ns/a-b_c"), store.namespace("a-b_c").dir().orElseThrow());
                for (String bad : List.of("..", "../x", "x/..", "main", "tmp/x")) {
                    if (!Store.NAMESPACE_PATTERN.matcher(bad).matches()) {
                        assertThrows(IllegalArgumentException.class, () -> store.namespace(bad), bad);
                    }
                }
                store.namespace("main").put("k1", "output", filled(1, 1)); // a namespace called "main" is fine
                assertFalse(store.has("k1"), "and separate from the root view");
            }
        }

        @Test
        void plantedSymlinksAreRemovedAtStartUpNotFollowed() throws Exception {
            Path dir = tmp.resolve("s");
            Path outside = tmp.resolve("outside");
            Files.createDirectories(outside);
            Files.writeString(outside.resolve("secret"), "keep me");
            try (DiskStore store = open(dir, 0)) {
                store.put("abkey", "output", filled(10, 1));
            }
            Files.createSymbolicLink(dir.resolve("main/ev"), outside);
            Files.delete(dir.resolve("main/ab/abkey"));
            Files.createSymbolicLink(dir.resolve("main/ab/abkey"), outside.resolve("secret"));
            Files.createSymbolicLink(dir.resolve("ns/evil"), outside);

            try (DiskStore store = open(dir, 0)) {
                assertFalse(store.has("abkey"));
                assertTrue(store.get("abkey", "output").isEmpty());
                store.put("evkey", "output", filled(10, 2));
                assertTrue(Files.isDirectory(dir.resolve("main/ev"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
                store.namespace("evil").put("k1", "output", filled(10, 3));
            }
            assertEquals(List.of("secret"), listNames(outside), "nothing written outside the store");
            assertEquals("keep me", Files.readString(outside.resolve("secret")), "nothing deleted outside either");
        }
    }

    @Nested
    class Age {
        @Test
        void configuredMaxAgeRemovesStaleEntriesDuringPuts() throws Exception {
            Path dir = tmp.resolve("s");
            DiskStoreConfig config = new DiskStoreConfig(dir.toString(), DataSize.ofBytes(0), Duration.ofHours(1),
                    null, null, null, true);
            try (DiskStore store = DiskStore.open(dir, config, clock)) {
                store.put("old", "output", filled(10, 1));
                store.namespace("ns1").put("old", "output", filled(10, 1));
                clock.advance(Duration.ofHours(2));
                store.put("young", "output", filled(10, 2));
                assertFalse(store.has("old"));
                assertFalse(store.namespace("ns1").has("old"), "the sweep covers namespaces too");
                assertTrue(store.has("young"));
            }
        }
    }

    @Test
    void statusAndMetricsReportEveryView() throws Exception {
        Path dir = tmp.resolve("s");
        try (DiskStore store = open(dir, 1 << 20)) {
            store.put("k1", "output", filled(100, 1));
            store.getBytes("k1", "output");
            store.getBytes("k2", "output");
            store.namespace("ns1").put("k1", "output", filled(100, 1));
            Map<String, Object> status = store.status();
            assertEquals(1L, status.get("entries"));
            assertEquals(1L, status.get("hits"));
            assertEquals(1L, status.get("misses"));
            assertEquals((long) (1 << 20), status.get("maxSizeBytes"));
            assertTrue(((Map<?, ?>) status.get("namespaces")).containsKey("ns1"));
            assertTrue(store.metrics().stream().anyMatch(m -> m.name().equals("cairn_disk_store_entries")
                    && m.labels().get("namespace").equals("ns1") && m.value() == 1));
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A source that delivers half its bytes, counts down {@code midway}, and waits for {@code release}. */
    private static BlobSource stalling(int size, CountDownLatch midway, CountDownLatch release) {
        return new BlobSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() {
                return new InputStream() {
                    private int position;

                    @Override
                    public int read() throws IOException {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (position >= size) {
                            return -1;
                        }
                        if (position >= size / 2 && midway.getCount() > 0) {
                            midway.countDown();
                            try {
                                if (!release.await(30, TimeUnit.SECONDS)) {
                                    throw new IOException("never released");
                                }
                            } catch (InterruptedException e) {
                                throw new IOException(e);
                            }
                        }
                        int n = Math.min(len, (position < size / 2 ? size / 2 : size) - position);
                        Arrays.fill(b, off, off + n, (byte) 5);
                        position += n;
                        return n;
                    }
                };
            }
        };
    }

    private static long bytesUnder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.mapToLong(p -> {
                try {
                    return Files.isRegularFile(p) ? Files.size(p) : 0;
                } catch (NoSuchFileException e) {
                    return 0; // evicted or renamed while walking
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return 0;
            }
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> listNames(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A thread running a task whose state the test can wait for, and whose failure it can rethrow. */
    private static final class AtomicReferenceThread extends Thread {
        private final java.util.concurrent.Callable<Void> task;
        private volatile Throwable failure;

        AtomicReferenceThread(java.util.concurrent.Callable<Void> task) {
            this.task = task;
        }

        @Override
        public void run() {
            try {
                task.call();
            } catch (Throwable t) {
                failure = t;
            }
        }

        /** Polls (20 s deadline) until the thread is parked in the future of the put it joined. */
        void awaitWaitingOnConcurrentPut() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (getState() != Thread.State.WAITING || Arrays.stream(getStackTrace())
                    .noneMatch(f -> f.getClassName().equals(java.util.concurrent.CompletableFuture.class.getName()))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("second put never waited for the first, is " + getState());
                }
                Thread.onSpinWait();
                Thread.yield();
            }
        }

        void rethrow() {
            if (isAlive()) {
                throw new AssertionError("second put still running");
            }
            if (failure != null) {
                throw new AssertionError(failure);
            }
        }
    }
}
