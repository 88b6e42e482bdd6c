package dev.cairn.spi.alloc;

import dev.cairn.spi.Named;

/**
 * Creates {@link SectorAllocator}s; selected by {@code pool.allocator}. The pool that uses the allocator decides the
 * number of sectors, so allocators take no configuration of their own.
 */
public interface SectorAllocatorFactory extends Named {
    /**
     * @param sectorCount number of sectors to manage, numbered 1..sectorCount
     * @return a new allocator with every sector free
     */
    SectorAllocator create(int sectorCount);
}
