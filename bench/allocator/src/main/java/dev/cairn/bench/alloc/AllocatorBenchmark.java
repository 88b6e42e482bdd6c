package dev.cairn.bench.alloc;

import dev.cairn.alloc.bitmap.BitmapSectorAllocatorFactory;
import dev.cairn.spi.alloc.NoFreeSectorsException;
import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.alloc.SectorAllocatorFactory;
import dev.cairn.spi.alloc.SectorRun;
import org.example.cairn.firstfit.FirstFitSectorAllocatorFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Allocate+free pairs per second on 2^24 sectors, empty or 90% full with the free 10% scattered as single
 * sectors (the worst case for next-fit search), for the bitmap allocator and the example first-fit allocator.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AllocatorBenchmark {
    static final int SECTORS = 1 << 24;

    @Param({"bitmap", "first-fit"})
    public String allocator;

    @Param({"1", "8", "256"})
    public int run;

    @Param({"empty", "fragmented"})
    public String fill;

    SectorAllocator a;

    @Setup
    public void setUp() throws NoFreeSectorsException {
        SectorAllocatorFactory factory = allocator.equals("bitmap")
                ? new BitmapSectorAllocatorFactory() : new FirstFitSectorAllocatorFactory();
        a = factory.create(SECTORS);
        if (fill.equals("fragmented")) {
            long taken = 0;
            while (taken < SECTORS) {
                taken += a.allocateContiguous(Integer.MAX_VALUE).count();
            }
            // Free every sector with probability 1/10, so free space is ~1.7M scattered short runs.
            SplittableRandom random = new SplittableRandom(42);
            for (int s = 1; s <= SECTORS; s++) {
                if (random.nextInt(10) == 0) {
                    a.freeContiguous(s, 1);
                }
            }
        }
    }

    @Benchmark
    public SectorRun allocateFree() throws NoFreeSectorsException {
        SectorRun r = a.allocateContiguous(run);
        a.freeContiguous(r.firstSector(), r.count());
        return r;
    }
}
