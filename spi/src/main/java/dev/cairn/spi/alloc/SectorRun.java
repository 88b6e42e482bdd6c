package dev.cairn.spi.alloc;

/**
 * A run of consecutive sectors.
 *
 * @param firstSector the first sector, from 1
 * @param count the number of sectors, at least 1
 */
public record SectorRun(int firstSector, int count) {
    /** Rejects empty runs and sector 0. */
    public SectorRun {
        if (firstSector < 1) {
            throw new IllegalArgumentException("firstSector must be >= 1, not " + firstSector);
        }
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, not " + count);
        }
    }
}
