package org.example.cairn.firstfit;

import dev.cairn.spi.alloc.AllocatorStats;
import dev.cairn.spi.alloc.SectorAllocatorFactory;
import dev.cairn.spi.alloc.SectorRun;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** First fit always takes the lowest free run, and freed neighbours merge. */
class FirstFitSectorAllocatorTest {
    @Test
    void takesTheLowestFreeRun() throws Exception {
        FirstFitSectorAllocator a = new FirstFitSectorAllocator(100);
        assertEquals(new SectorRun(1, 10), a.allocateContiguous(10));
        assertEquals(new SectorRun(11, 10), a.allocateContiguous(10));
        a.freeContiguous(3, 2);
        assertEquals(new SectorRun(3, 2), a.allocateContiguous(5));
        a.freeContiguous(15, 1);
        a.freeContiguous(5, 1);
        assertEquals(new SectorRun(5, 1), a.allocateContiguous(5));
        assertEquals(new SectorRun(15, 1), a.allocateContiguous(5));
        assertEquals(new SectorRun(21, 5), a.allocateContiguous(5));
    }

    @Test
    void freedNeighboursMerge() throws Exception {
        FirstFitSectorAllocator a = new FirstFitSectorAllocator(30);
        assertEquals(new SectorRun(1, 30), a.allocateContiguous(30));
        a.freeContiguous(10, 2);
        a.freeContiguous(14, 2);
        a.freeList(new int[] {12, 13});
        assertEquals(new AllocatorStats(30, 6, 6), a.stats());
        assertEquals(new SectorRun(10, 6), a.allocateContiguous(10));
    }

    @Test
    void isFoundByServiceLoader() {
        boolean found = false;
        for (SectorAllocatorFactory f : ServiceLoader.load(SectorAllocatorFactory.class)) {
            found |= f.name().equals("first-fit");
        }
        assertTrue(found);
    }
}
