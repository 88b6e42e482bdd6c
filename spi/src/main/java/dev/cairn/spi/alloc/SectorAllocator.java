package dev.cairn.spi.alloc;

/**
 * Hands out runs of sectors of a fixed-size device. Sectors are numbered from 1; 0 means "no sector" (a hole) in
 * sector lists. Implementations are thread-safe and refuse invalid frees (sector 0, past the end, already free)
 * with an {@link IllegalArgumentException} that leaves their state unchanged.
 */
public interface SectorAllocator {
    /**
     * Allocates up to {@code maxSectors} consecutive sectors; fewer when free space is fragmented.
     *
     * @param maxSectors at least 1
     * @return the run allocated, with {@code count} between 1 and {@code maxSectors}
     * @throws NoFreeSectorsException when no sector is free
     */
    SectorRun allocateContiguous(int maxSectors) throws NoFreeSectorsException;

    /**
     * Frees a run previously allocated (or part of one).
     *
     * @param firstSector first sector, from 1
     * @param count number of sectors, at least 1
     * @throws IllegalArgumentException when any sector of the run is out of range or already free; nothing is freed
     */
    void freeContiguous(int firstSector, int count);

    /**
     * Frees a list of sectors, skipping zeros (holes).
     *
     * @param sectors sector numbers
     * @throws IllegalArgumentException when any sector is out of range, already free or listed twice; nothing is freed
     */
    void freeList(int[] sectors);

    /**
     * @return a snapshot of usage
     */
    AllocatorStats stats();
}
