package org.example.cairn.firstfit;

import dev.cairn.spi.alloc.AllocatorStats;
import dev.cairn.spi.alloc.NoFreeSectorsException;
import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.alloc.SectorRun;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A first-fit {@link SectorAllocator}: free space is a sorted list of runs (first sector to length), and every
 * allocation takes the lowest-numbered free run. Freed runs merge with their neighbours. Thread-safe.
 */
final class FirstFitSectorAllocator implements SectorAllocator {
    private final int sectorCount;
    /** Free runs: first sector to number of sectors; disjoint and never adjacent (adjacent runs are merged). */
    private final TreeMap<Integer, Integer> free = new TreeMap<>();
    private long freeSectors;

    FirstFitSectorAllocator(int sectorCount) {
        if (sectorCount < 1) {
            throw new IllegalArgumentException("sectorCount must be >= 1, not " + sectorCount);
        }
        this.sectorCount = sectorCount;
        free.put(1, sectorCount);
        freeSectors = sectorCount;
    }

    @Override
    public synchronized SectorRun allocateContiguous(int maxSectors) throws NoFreeSectorsException {
        if (maxSectors < 1) {
            throw new IllegalArgumentException("maxSectors must be >= 1, not " + maxSectors);
        }
        Map.Entry<Integer, Integer> first = free.pollFirstEntry();
        if (first == null) {
            throw new NoFreeSectorsException("no free sectors: all " + sectorCount
                    + " sectors of the first-fit allocator are in use");
        }
        int start = first.getKey();
        int length = first.getValue();
        int taken = Math.min(length, maxSectors);
        if (taken < length) {
            free.put(start + taken, length - taken);
        }
        freeSectors -= taken;
        return new SectorRun(start, taken);
    }

    @Override
    public synchronized void freeContiguous(int firstSector, int count) {
        check(firstSector, count);
        release(firstSector, count);
    }

    @Override
    public synchronized void freeList(int[] sectors) {
        int[] sorted = sectors.clone();
        Arrays.sort(sorted);
        int previous = 0;
        for (int sector : sorted) {
            if (sector == 0) {
                continue;
            }
            if (sector == previous) {
                throw new IllegalArgumentException("cannot free sector " + sector + ": listed twice");
            }
            check(sector, 1);
            previous = sector;
        }
        // Consecutive sectors are freed as one run.
        int i = 0;
        while (i < sorted.length) {
            if (sorted[i] == 0) {
                i++;
                continue;
            }
            int j = i + 1;
            while (j < sorted.length && sorted[j] == sorted[j - 1] + 1) {
                j++;
            }
            release(sorted[i], j - i);
            i = j;
        }
    }

    /** Refuses out-of-range runs and runs overlapping free space, before anything changes. */
    private void check(int firstSector, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("cannot free " + count + " sectors: count must be >= 1");
        }
        long last = (long) firstSector + count - 1;
        if (firstSector < 1 || last > sectorCount) {
            throw new IllegalArgumentException("cannot free sectors " + firstSector + ".." + last + ": outside 1.."
                    + sectorCount);
        }
        Map.Entry<Integer, Integer> below = free.floorEntry((int) last);
        if (below != null && (long) below.getKey() + below.getValue() > firstSector) {
            int overlap = Math.max(below.getKey(), firstSector);
            throw new IllegalArgumentException("cannot free sectors " + firstSector + ".." + last + ": sector "
                    + overlap + " is already free (double free)");
        }
    }

    private void release(int start, int count) {
        int end = start + count;
        Map.Entry<Integer, Integer> before = free.lowerEntry(start);
        if (before != null && before.getKey() + before.getValue() == start) {
            start = before.getKey();
            free.remove(start);
        }
        Integer after = free.get(end);
        if (after != null) {
            free.remove(end);
            end += after;
        }
        free.put(start, end - start);
        freeSectors += count;
    }

    @Override
    public synchronized AllocatorStats stats() {
        long largest = 0;
        for (int length : free.values()) {
            largest = Math.max(largest, length);
        }
        return new AllocatorStats(sectorCount, freeSectors, largest);
    }
}
