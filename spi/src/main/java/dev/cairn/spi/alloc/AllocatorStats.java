package dev.cairn.spi.alloc;

/**
 * Usage of a {@link SectorAllocator}.
 *
 * @param sectorCount number of sectors managed
 * @param freeSectors number of free sectors
 * @param largestFreeRun length of the longest run of free sectors
 */
public record AllocatorStats(long sectorCount, long freeSectors, long largestFreeRun) {
    /** @return sectors in use */
    public long usedSectors() {
        return sectorCount - freeSectors;
    }

    /** @return 0 when all free space is one run, towards 1 as it splinters */
    public double fragmentation() {
        return freeSectors == 0 ? 0.0 : 1.0 - (double) largestFreeRun / freeSectors;
    }
}
