package org.example.cairn.firstfit;

import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.testkit.alloc.SectorAllocatorContract;

/** The first-fit allocator passes the contract every Cairn sector allocator must pass. */
class FirstFitSectorAllocatorContractTest extends SectorAllocatorContract {
    @Override
    protected SectorAllocator create(int sectorCount) {
        return new FirstFitSectorAllocatorFactory().create(sectorCount);
    }
}
