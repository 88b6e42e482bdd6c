package dev.cairn.alloc.bitmap;

import dev.cairn.spi.alloc.AllocatorStats;
import dev.cairn.spi.alloc.NoFreeSectorsException;
import dev.cairn.spi.alloc.SectorAllocatorFactory;
import dev.cairn.spi.alloc.SectorRun;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exact sector numbers of the bitmap allocator's next-fit order, in the style of bb-remote-execution's tests. */
class BitmapSectorAllocatorTest {
    private static SectorRun run(int first, int count) {
        return new SectorRun(first, count);
    }

    private static void assertExhausted(BitmapSectorAllocator allocator) {
        NoFreeSectorsException e = assertThrows(NoFreeSectorsException.class, () -> allocator.allocateContiguous(1));
        assertTrue(e.getMessage().contains("no free sectors"), e.getMessage());
    }

    @Test
    void isFoundByServiceLoaderAsBitmap() {
        boolean found = false;
        for (SectorAllocatorFactory f : ServiceLoader.load(SectorAllocatorFactory.class)) {
            found |= f.name().equals("bitmap") && f.create(10) instanceof BitmapSectorAllocator;
        }
        assertTrue(found);
    }

    @Test
    void refusesEmptyDevice() {
        assertThrows(IllegalArgumentException.class, () -> new BitmapSectorAllocator(0));
    }

    @Nested
    class NextFit {
        @Test
        void consecutiveAllocationsFollowEachOther() throws Exception {
            BitmapSectorAllocator a = new BitmapSectorAllocator(200);
            assertEquals(run(1, 3), a.allocateContiguous(3));
            assertEquals(run(4, 3), a.allocateContiguous(3));
            assertEquals(run(7, 1), a.allocateContiguous(1));
        }

        @Test
        void aFreedSectorBelowTheCursorWaitsForTheWrap() throws Exception {
            BitmapSectorAllocator a = new BitmapSectorAllocator(128);
            assertEquals(run(1, 10), a.allocateContiguous(10));
            a.freeContiguous(2, 1);
            // Sector 2 is in the cursor's word but below the cursor: masked off.
            assertEquals(run(11, 1), a.allocateContiguous(1));
            assertEquals(run(12, 117), a.allocateContiguous(1000));
            // The cursor ran off the end: wrap to word 0.
            assertEquals(run(2, 1), a.allocateContiguous(5));
            assertExhausted(a);
        }

        @Test
        void fragmentedBitmapIsVisitedInOrderFromTheCursor() throws Exception {
            BitmapSectorAllocator a = new BitmapSectorAllocator(256);
            assertEquals(run(1, 256), a.allocateContiguous(256));
            a.freeContiguous(5, 1);
            a.freeContiguous(10, 3);
            a.freeContiguous(70, 1);
            a.freeContiguous(200, 4);
            a.freeList(new int[] {0, 130, 131, 0, 133});
            assertEquals(new AllocatorStats(256, 12, 4), a.stats());
            // Cursor wrapped to 0 after the full allocation.
            assertEquals(run(5, 1), a.allocateContiguous(4));
            assertEquals(run(10, 2), a.allocateContiguous(2));
            assertEquals(run(12, 1), a.allocateContiguous(4));
            assertEquals(run(70, 1), a.allocateContiguous(4));
            assertEquals(run(130, 2), a.allocateContiguous(4));
            assertEquals(run(133, 1), a.allocateContiguous(4));
            assertEquals(run(200, 3), a.allocateContiguous(3));
            // Free behind the cursor (which is now at sector 203): next-fit takes 203 before going back.
            a.freeContiguous(10, 3);
            a.freeContiguous(5, 1);
            assertEquals(run(203, 1), a.allocateContiguous(4));
            assertEquals(run(5, 1), a.allocateContiguous(4));
            assertEquals(run(10, 3), a.allocateContiguous(4));
            assertExhausted(a);
        }

        @Test
        void theCursorWordIsSearchedAgainUnmaskedAfterTheWrap() throws Exception {
            BitmapSectorAllocator a = new BitmapSectorAllocator(64);
            assertEquals(run(1, 40), a.allocateContiguous(40));
            assertEquals(run(41, 24), a.allocateContiguous(24));
            a.freeContiguous(3, 2);
            a.freeContiguous(60, 1);
            // Cursor is 0 after the wrap; the lowest free bit wins.
            assertEquals(run(3, 2), a.allocateContiguous(8));
            assertEquals(run(60, 1), a.allocateContiguous(8));
            a.freeContiguous(20, 1);
            // Cursor is at 61 (bit 60), sector 20 is in the same word below it: found on the second pass.
            assertEquals(run(20, 1), a.allocateContiguous(8));
            assertExhausted(a);
        }
    }

    @Nested
    class WordBoundaries {
        @Test
        void aRunStartingAtBit63ContinuesIntoTheNextWord() throws Exception {
            BitmapSectorAllocator a = new BitmapSectorAllocator(256);
            assertEquals(run(1, 63), a.allocateContiguous(63));
            assertEquals(run(64, 2), a.allocateContiguous(2));
            assertEquals(run(66, 1), a.allocateContiguous(1));
        }

        @Test
        void runsOf64And65And128() throws Exception {
            BitmapSectorAllocator a = new BitmapSectorAllocator(400);
            assertEquals(run(1, 64), a.allocateContiguous(64));
            assertEquals(run(65, 65), a.allocateContiguous(65));
            assertEquals(run(130, 128), a.allocateContiguous(128));
            assertEquals(new AllocatorStats(400, 143, 143), a.stats());
        }

        @Test
        void aRunFromBit63SpansAWholeWord() throws Exception {
            BitmapSectorAllocator a = new BitmapSectorAllocator(256);
            assertEquals(run(1, 63), a.allocateContiguous(63));
            assertEquals(run(64, 65), a.allocateContiguous(65));
            assertEquals(run(129, 128), a.allocateContiguous(128));
            assertExhausted(a);
        }

        @Test
        void aRunStopsAtAUsedBitInTheNextWord() throws Exception {
            BitmapSectorAllocator a = new BitmapSectorAllocator(256);
            assertEquals(run(1, 256), a.allocateContiguous(256));
            a.freeContiguous(60, 10); // bits 59..68: across the first boundary
            assertEquals(run(60, 10), a.allocateContiguous(100));
            a.freeContiguous(100, 100); // bits 99..198: word 1 tail, whole word 2, word 3 head
            assertEquals(run(100, 100), a.allocateContiguous(128));
        }

        @Test
        void theSentinelStopsARunAtTheEnd() throws Exception {
            BitmapSectorAllocator a = new BitmapSectorAllocator(128);
            assertEquals(run(1, 128), a.allocateContiguous(1000));
            assertExhausted(a);
            BitmapSectorAllocator b = new BitmapSectorAllocator(65);
            assertEquals(run(1, 65), b.allocateContiguous(1000));
            assertExhausted(b);
        }

        @Test
        void aDeviceOfOneWordAndOneBit() throws Exception {
            BitmapSectorAllocator a = new BitmapSectorAllocator(65);
            assertEquals(run(1, 64), a.allocateContiguous(64));
            assertEquals(run(65, 1), a.allocateContiguous(64));
            assertExhausted(a);
            a.freeContiguous(64, 2);
            assertEquals(run(64, 2), a.allocateContiguous(5));
        }

        @Test
        void freeAcrossWordsIsCheckedBeforeAnyBitChanges() throws Exception {
            BitmapSectorAllocator a = new BitmapSectorAllocator(256);
            assertEquals(run(1, 256), a.allocateContiguous(256));
            a.freeContiguous(200, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> a.freeContiguous(10, 191));
            assertTrue(e.getMessage().contains("sector 200 is already free"), e.getMessage());
            assertEquals(new AllocatorStats(256, 1, 1), a.stats());
        }

        @Test
        void largestFreeRunCountsAcrossWords() throws Exception {
            BitmapSectorAllocator a = new BitmapSectorAllocator(300);
            assertEquals(run(1, 300), a.allocateContiguous(300));
            a.freeContiguous(60, 81);   // 60..140
            a.freeContiguous(150, 5);
            a.freeContiguous(300, 1);
            assertEquals(new AllocatorStats(300, 87, 81), a.stats());
            a.freeContiguous(1, 59);
            assertEquals(new AllocatorStats(300, 146, 140), a.stats());
        }
    }

    /**
     * Random allocations and frees checked step by step against a plain next-fit model over a boolean array:
     * every run must be exactly the model's, and the statistics must match.
     */
    @Test
    void matchesANextFitModelOnRandomOperations() throws Exception {
        for (int n : new int[] {1, 63, 64, 65, 200, 513}) {
            BitmapSectorAllocator a = new BitmapSectorAllocator(n);
            boolean[] used = new boolean[n];
            int cursor = 0;
            java.util.SplittableRandom random = new java.util.SplittableRandom(n);
            java.util.List<SectorRun> held = new java.util.ArrayList<>();
            for (int step = 0; step < 5_000; step++) {
                if (held.isEmpty() || random.nextInt(3) != 0) {
                    int max = random.nextInt(4) == 0 ? 1 + random.nextInt(200) : 1 + random.nextInt(8);
                    int start = -1;
                    // Next fit: the first free sector in circular order from the cursor.
                    for (int k = 0; k < n && start < 0; k++) {
                        int i = (cursor + k) % n;
                        if (!used[i]) {
                            start = i;
                        }
                    }
                    if (start < 0) {
                        assertThrows(NoFreeSectorsException.class, () -> a.allocateContiguous(1));
                        continue;
                    }
                    int count = 0;
                    while (count < max && start + count < n && !used[start + count]) {
                        used[start + count] = true;
                        count++;
                    }
                    cursor = start + count >= n ? 0 : start + count;
                    SectorRun expected = new SectorRun(start + 1, count);
                    assertEquals(expected, a.allocateContiguous(max), "n=" + n + " step " + step + " max " + max);
                    held.add(expected);
                } else {
                    SectorRun r = held.remove(random.nextInt(held.size()));
                    // Free part of a run now and then, to split runs.
                    int skip = r.count() > 1 && random.nextBoolean() ? 1 : 0;
                    for (int i = r.firstSector() - 1 + skip; i < r.firstSector() - 1 + r.count(); i++) {
                        used[i] = false;
                    }
                    if (skip == 1) {
                        a.freeContiguous(r.firstSector() + 1, r.count() - 1);
                        held.add(new SectorRun(r.firstSector(), 1));
                    } else {
                        a.freeContiguous(r.firstSector(), r.count());
                    }
                }
                long free = 0;
                long largest = 0;
                long run = 0;
                for (boolean u : used) {
                    run = u ? 0 : run + 1;
                    free += u ? 0 : 1;
                    largest = Math.max(largest, run);
                }
                assertEquals(new AllocatorStats(n, free, largest), a.stats(), "n=" + n + " step " + step);
            }
        }
    }
}
