package dev.cairn.testkit.alloc;

import dev.cairn.spi.alloc.AllocatorStats;
import dev.cairn.spi.alloc.NoFreeSectorsException;
import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.alloc.SectorRun;

import java.util.Arrays;

/**
 * The contract passes for the simplest correct allocator (one boolean per sector, lowest free sector first), so it
 * asks for nothing beyond the SPI.
 */
class SectorAllocatorContractTest extends SectorAllocatorContract {
    @Override
    protected SectorAllocator create(int sectorCount) {
        return new BooleanAllocator(sectorCount);
    }

    /** A deliberately naive reference allocator. */
    static final class BooleanAllocator implements SectorAllocator {
        private final boolean[] used;

        BooleanAllocator(int sectorCount) {
            used = new boolean[sectorCount + 1];
            used[0] = true;
        }

        @Override
        public synchronized SectorRun allocateContiguous(int maxSectors) throws NoFreeSectorsException {
            if (maxSectors < 1) {
                throw new IllegalArgumentException("maxSectors must be >= 1");
            }
            for (int s = 1; s < used.length; s++) {
                if (!used[s]) {
                    int n = 0;
                    while (n < maxSectors && s + n < used.length && !used[s + n]) {
                        used[s + n] = true;
                        n++;
                    }
                    return new SectorRun(s, n);
                }
            }
            throw new NoFreeSectorsException("no free sectors");
        }

        @Override
        public synchronized void freeContiguous(int firstSector, int count) {
            if (count < 1 || firstSector < 1 || (long) firstSector + count > used.length) {
                throw new IllegalArgumentException("out of range");
            }
            for (int s = firstSector; s < firstSector + count; s++) {
                if (!used[s]) {
                    throw new IllegalArgumentException("double free of " + s);
                }
            }
            Arrays.fill(used, firstSector, firstSector + count, false);
        }

        @Override
        public synchronized void freeList(int[] sectors) {
            boolean[] seen = new boolean[used.length];
            for (int s : sectors) {
                if (s == 0) {
                    continue;
                }
                if (s < 0 || s >= used.length || !used[s] || seen[s]) {
                    throw new IllegalArgumentException("cannot free " + s);
                }
                seen[s] = true;
            }
            for (int s : sectors) {
                if (s != 0) {
                    used[s] = false;
                }
            }
        }

        @Override
        public synchronized AllocatorStats stats() {
            long free = 0;
            long largest = 0;
            long run = 0;
            for (int s = 1; s < used.length; s++) {
                if (used[s]) {
                    run = 0;
                } else {
                    free++;
                    largest = Math.max(largest, ++run);
                }
            }
            return new AllocatorStats(used.length - 1, free, largest);
        }
    }
}
