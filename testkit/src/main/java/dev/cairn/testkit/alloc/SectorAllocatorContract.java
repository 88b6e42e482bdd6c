package dev.cairn.testkit.alloc;

import dev.cairn.spi.alloc.AllocatorStats;
import dev.cairn.spi.alloc.NoFreeSectorsException;
import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.alloc.SectorRun;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link SectorAllocator} must do, per the SPI: extend this class and implement {@link #create(int)}.
 *
 * <p>Only behaviour the SPI promises is checked here (exhaustion, reuse of freed sectors, refusal of invalid frees
 * without damage, {@code freeList} skipping zeros, statistics, thread safety). Allocation order is the
 * implementation's business: an allocator's own test pins it down.
 */
public abstract class SectorAllocatorContract {
    /**
     * @param sectorCount number of sectors, numbered 1..sectorCount
     * @return a new allocator with every sector free
     */
    protected abstract SectorAllocator create(int sectorCount);

    /** Allocates single sectors until the allocator is exhausted; returns them in allocation order. */
    static List<Integer> drainSingles(SectorAllocator allocator) {
        List<Integer> sectors = new ArrayList<>();
        while (true) {
            SectorRun run;
            try {
                run = allocator.allocateContiguous(1);
            } catch (NoFreeSectorsException e) {
                return sectors;
            }
            assertEquals(1, run.count(), "allocateContiguous(1) returned " + run);
            sectors.add(run.firstSector());
        }
    }

    /** Allocates runs of up to {@code max} until exhausted; returns every sector handed out, sorted. */
    static TreeSet<Integer> drain(SectorAllocator allocator, int max) {
        TreeSet<Integer> sectors = new TreeSet<>();
        while (true) {
            SectorRun run;
            try {
                run = allocator.allocateContiguous(max);
            } catch (NoFreeSectorsException e) {
                return sectors;
            }
            assertTrue(run.count() >= 1 && run.count() <= max, "run " + run + " for max " + max);
            for (int s = run.firstSector(); s < run.firstSector() + run.count(); s++) {
                assertTrue(sectors.add(s), "sector " + s + " handed out twice");
            }
        }
    }

    static TreeSet<Integer> range(int first, int lastInclusive) {
        TreeSet<Integer> set = new TreeSet<>();
        for (int s = first; s <= lastInclusive; s++) {
            set.add(s);
        }
        return set;
    }

    @Nested
    class Allocation {
        @Test
        void everySectorIsHandedOutOnceThenExhaustionIsAClearError() {
            SectorAllocator allocator = create(100);
            List<Integer> sectors = drainSingles(allocator);
            assertEquals(range(1, 100), new TreeSet<>(sectors));
            assertEquals(100, sectors.size());
            NoFreeSectorsException e = assertThrows(NoFreeSectorsException.class,
                    () -> allocator.allocateContiguous(1));
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "exhaustion message is empty");
            assertEquals(new AllocatorStats(100, 0, 0), allocator.stats());
        }

        @Test
        void anEmptyAllocatorGivesTheWholeRunAsked() throws Exception {
            SectorAllocator allocator = create(1000);
            SectorRun run = allocator.allocateContiguous(10);
            assertEquals(10, run.count());
            assertTrue(run.firstSector() >= 1 && run.firstSector() + 9 <= 1000, "run " + run + " out of range");
            assertEquals(990, allocator.stats().freeSectors());
        }

        @Test
        void runsNeverExceedMaxNorTheDevice() {
            SectorAllocator allocator = create(130);
            assertEquals(range(1, 130), drain(allocator, 7));
        }

        @Test
        void aRequestLargerThanTheDeviceGetsAtMostTheDevice() throws Exception {
            SectorAllocator allocator = create(70);
            SectorRun run = allocator.allocateContiguous(1000);
            assertTrue(run.count() <= 70 && run.firstSector() + run.count() - 1 <= 70, "run " + run);
        }

        @Test
        void maxBelowOneIsRefused() {
            SectorAllocator allocator = create(10);
            assertThrows(IllegalArgumentException.class, () -> allocator.allocateContiguous(0));
            assertThrows(IllegalArgumentException.class, () -> allocator.allocateContiguous(-1));
            assertEquals(10, allocator.stats().freeSectors());
        }

        @Test
        void aFragmentedAllocatorReturnsShorterRuns() throws Exception {
            SectorAllocator allocator = create(64);
            drainSingles(allocator);
            allocator.freeContiguous(10, 3);
            allocator.freeContiguous(40, 2);
            assertEquals(new TreeSet<>(List.of(10, 11, 12, 40, 41)), drain(allocator, 8));
            assertThrows(NoFreeSectorsException.class, () -> allocator.allocateContiguous(1));
        }
    }

    @Nested
    class Freeing {
        @Test
        void freedSectorsAreHandedOutAgain() throws Exception {
            SectorAllocator allocator = create(50);
            drainSingles(allocator);
            allocator.freeContiguous(7, 4);
            allocator.freeContiguous(33, 1);
            assertEquals(5, allocator.stats().freeSectors());
            TreeSet<Integer> expected = range(7, 10);
            expected.add(33);
            assertEquals(expected, drain(allocator, 3));
        }

        @Test
        void freeListSkipsZeros() {
            SectorAllocator allocator = create(20);
            drainSingles(allocator);
            allocator.freeList(new int[] {0, 5, 0, 0, 17, 0});
            assertEquals(2, allocator.stats().freeSectors());
            assertEquals(new TreeSet<>(List.of(5, 17)), drain(allocator, 1));
        }

        @Test
        void freeListOfOnlyZerosFreesNothing() {
            SectorAllocator allocator = create(20);
            drainSingles(allocator);
            allocator.freeList(new int[] {0, 0});
            allocator.freeList(new int[0]);
            assertEquals(0, allocator.stats().freeSectors());
        }

        @Test
        void statsTrackUseAndTheLargestFreeRun() {
            SectorAllocator allocator = create(100);
            drainSingles(allocator);
            allocator.freeContiguous(10, 10);
            allocator.freeContiguous(50, 5);
            allocator.freeContiguous(100, 1);
            AllocatorStats stats = allocator.stats();
            assertEquals(new AllocatorStats(100, 16, 10), stats);
            assertEquals(84, stats.usedSectors());
        }

        @Test
        void freeingEverythingRestoresOneRun() {
            SectorAllocator allocator = create(200);
            drainSingles(allocator);
            allocator.freeContiguous(1, 200);
            assertEquals(new AllocatorStats(200, 200, 200), allocator.stats());
        }
    }

    @Nested
    class InvalidFrees {
        /** A full allocator with sectors 3 and 6 free; every refused free must leave exactly this. */
        private SectorAllocator fragmented() {
            SectorAllocator allocator = create(10);
            drainSingles(allocator);
            allocator.freeContiguous(3, 1);
            allocator.freeContiguous(6, 1);
            return allocator;
        }

        private void assertUndamaged(SectorAllocator allocator) {
            assertEquals(new AllocatorStats(10, 2, 1), allocator.stats());
            assertEquals(new TreeSet<>(List.of(3, 6)), drain(allocator, 10));
        }

        @Test
        void doubleFreeIsRefused() {
            SectorAllocator allocator = fragmented();
            assertThrows(IllegalArgumentException.class, () -> allocator.freeContiguous(3, 1));
            assertUndamaged(allocator);
        }

        @Test
        void aRunOverlappingAFreeSectorIsRefusedWhole() {
            SectorAllocator allocator = fragmented();
            assertThrows(IllegalArgumentException.class, () -> allocator.freeContiguous(1, 4));
            assertThrows(IllegalArgumentException.class, () -> allocator.freeContiguous(5, 3));
            assertUndamaged(allocator);
        }

        @Test
        void sectorZeroIsRefused() {
            SectorAllocator allocator = fragmented();
            assertThrows(IllegalArgumentException.class, () -> allocator.freeContiguous(0, 1));
            assertThrows(IllegalArgumentException.class, () -> allocator.freeContiguous(0, 2));
            assertThrows(IllegalArgumentException.class, () -> allocator.freeContiguous(-4, 1));
            assertUndamaged(allocator);
        }

        @Test
        void pastTheEndIsRefused() {
            SectorAllocator allocator = fragmented();
            assertThrows(IllegalArgumentException.class, () -> allocator.freeContiguous(11, 1));
            assertThrows(IllegalArgumentException.class, () -> allocator.freeContiguous(9, 3));
            assertThrows(IllegalArgumentException.class, () -> allocator.freeContiguous(Integer.MAX_VALUE, 2));
            assertUndamaged(allocator);
        }

        @Test
        void emptyRunIsRefused() {
            SectorAllocator allocator = fragmented();
            assertThrows(IllegalArgumentException.class, () -> allocator.freeContiguous(1, 0));
            assertThrows(IllegalArgumentException.class, () -> allocator.freeContiguous(1, -1));
            assertUndamaged(allocator);
        }

        @Test
        void aBadListFreesNothing() {
            SectorAllocator allocator = fragmented();
            assertThrows(IllegalArgumentException.class, () -> allocator.freeList(new int[] {1, 2, 3}));
            assertThrows(IllegalArgumentException.class, () -> allocator.freeList(new int[] {1, 11}));
            assertThrows(IllegalArgumentException.class, () -> allocator.freeList(new int[] {1, -2}));
            assertUndamaged(allocator);
        }

        @Test
        void aListNamingASectorTwiceFreesNothing() {
            SectorAllocator allocator = fragmented();
            assertThrows(IllegalArgumentException.class, () -> allocator.freeList(new int[] {1, 2, 0, 1}));
            assertUndamaged(allocator);
        }
    }

    @Nested
    class Concurrency {
        private static final int THREADS = 4;
        private static final int SECTORS = 1024;
        private static final int ITERATIONS = 20_000;

        /**
         * Several threads allocate and free at once; a shadow bitmap (one int per sector, claimed with
         * compare-and-set) catches any sector handed out while another thread holds it.
         */
        @Test
        @Timeout(60)
        void noSectorIsHandedOutTwice() throws Exception {
            SectorAllocator allocator = create(SECTORS);
            AtomicIntegerArray shadow = new AtomicIntegerArray(SECTORS + 1);
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<Long>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    long seed = 31L * t + 7;
                    results.add(pool.submit(() -> {
                        start.await();
                        return churn(allocator, shadow, new SplittableRandom(seed));
                    }));
                }
                start.countDown();
                long allocated = 0;
                for (Future<Long> result : results) {
                    allocated += result.get(60, TimeUnit.SECONDS);
                }
                assertTrue(allocated >= (long) THREADS * ITERATIONS / 4, "only " + allocated + " allocations");
            } finally {
                pool.shutdownNow();
            }
            for (int s = 1; s <= SECTORS; s++) {
                assertEquals(0, shadow.get(s), "sector " + s + " still claimed");
            }
            assertEquals(new AllocatorStats(SECTORS, SECTORS, SECTORS), allocator.stats());
        }

        private long churn(SectorAllocator allocator, AtomicIntegerArray shadow, SplittableRandom random)
                throws NoFreeSectorsException {
            Deque<SectorRun> held = new ArrayDeque<>();
            long allocated = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                // Each thread holds at most 16 runs of at most 8 sectors: 4 threads never exhaust 1024 sectors.
                if (held.size() < 16 && (held.isEmpty() || random.nextBoolean())) {
                    SectorRun run = allocator.allocateContiguous(1 + random.nextInt(8));
                    for (int s = run.firstSector(); s < run.firstSector() + run.count(); s++) {
                        if (!shadow.compareAndSet(s, 0, 1)) {
                            throw new AssertionError("sector " + s + " handed out twice (run " + run + ")");
                        }
                    }
                    held.add(run);
                    allocated++;
                } else {
                    SectorRun run = random.nextBoolean() ? held.pollFirst() : held.pollLast();
                    release(allocator, shadow, run, random.nextBoolean());
                }
            }
            while (!held.isEmpty()) {
                release(allocator, shadow, held.poll(), false);
            }
            return allocated;
        }

        private static void release(SectorAllocator allocator, AtomicIntegerArray shadow, SectorRun run,
                boolean asList) {
            int[] list = new int[run.count() + 1];
            for (int s = run.firstSector(), i = 0; s < run.firstSector() + run.count(); s++, i++) {
                // Unclaim before freeing: once freed, another thread may be handed the sector at once.
                shadow.set(s, 0);
                list[i] = s;
            }
            if (asList) {
                allocator.freeList(list);
            } else {
                allocator.freeContiguous(run.firstSector(), run.count());
            }
        }
    }
}
