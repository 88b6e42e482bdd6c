package dev.cairn.alloc.bitmap;

import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.alloc.SectorAllocatorFactory;

/**
 * The {@code bitmap} allocator: one bit per sector, next-fit from a cursor (bb-remote-execution's
 * {@code BitmapSectorAllocator}). Selected with {@code pool.allocator: bitmap}.
 */
public final class BitmapSectorAllocatorFactory implements SectorAllocatorFactory {
    /** The name configuration uses. */
    public static final String NAME = "bitmap";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SectorAllocator create(int sectorCount) {
        return new BitmapSectorAllocator(sectorCount);
    }
}
