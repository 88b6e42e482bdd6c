package dev.cairn.alloc.bitmap;

import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.testkit.alloc.SectorAllocatorContract;

/** The bitmap allocator passes the allocator contract. */
class BitmapSectorAllocatorContractTest extends SectorAllocatorContract {
    @Override
    protected SectorAllocator create(int sectorCount) {
        return new BitmapSectorAllocatorFactory().create(sectorCount);
    }
}
