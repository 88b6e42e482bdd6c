package org.example.cairn.firstfit;

import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.alloc.SectorAllocatorFactory;

/**
 * The {@code first-fit} sector allocator, selected with {@code pool.allocator: first-fit}. Registered for
 * {@link java.util.ServiceLoader} in {@code META-INF/services/dev.cairn.spi.alloc.SectorAllocatorFactory}, which is
 * how the Cairn host finds it in this plugin's jar. Like every factory, its constructor does no work.
 */
public final class FirstFitSectorAllocatorFactory implements SectorAllocatorFactory {
    @Override
    public String name() {
        return "first-fit";
    }

    @Override
    public SectorAllocator create(int sectorCount) {
        return new FirstFitSectorAllocator(sectorCount);
    }
}
