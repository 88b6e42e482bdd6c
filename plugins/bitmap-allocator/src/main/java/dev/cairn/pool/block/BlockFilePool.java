package dev.cairn.pool.block;

import dev.cairn.spi.MetricSample;
import dev.cairn.spi.alloc.AllocatorStats;
import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link FilePool} whose files live in sectors of one block device or large file, handed out by a
 * {@link SectorAllocator}. Files are not thread-safe; the pool and its allocator are.
 */
final class BlockFilePool implements FilePool {
    private final String path;
    private final String allocatorName;
    private final SectorAllocator allocator;
    private final SectorDevice device;
    private final int sectorSize;
    private final long capacity;
    private final AtomicInteger openFiles = new AtomicInteger();
    private volatile boolean closed;

    BlockFilePool(String path, String allocatorName, SectorAllocator allocator, SectorDevice device, int sectorSize) {
        this.path = Objects.requireNonNull(path, "path is null");
        this.allocatorName = Objects.requireNonNull(allocatorName, "allocatorName is null");
        this.allocator = Objects.requireNonNull(allocator, "allocator is null");
        this.device = Objects.requireNonNull(device, "device is null");
        if (sectorSize < 1 || sectorSize % device.alignment() != 0) {
            throw new IllegalArgumentException("sector size " + sectorSize + " is not a multiple of the I/O alignment "
                    + device.alignment());
        }
        this.sectorSize = sectorSize;
        this.capacity = allocator.stats().sectorCount() * sectorSize;
    }

    @Override
    public PoolFile newFile() throws IOException {
        checkOpen();
        openFiles.incrementAndGet();
        return new BlockPoolFile(this, allocator, device, sectorSize, capacity);
    }

    void closed(BlockPoolFile file) {
        openFiles.decrementAndGet();
    }

    void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("file pool on " + path + " is closed");
        }
    }

    SectorAllocator allocator() {
        return allocator;
    }

    int sectorSize() {
        return sectorSize;
    }

    @Override
    public Map<String, Object> status() {
        AllocatorStats stats = allocator.stats();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("type", BlockFilePoolFactory.NAME);
        status.put("path", path);
        status.put("allocator", allocatorName);
        status.put("ioMode", device.io().mode());
        status.put("sectorSize", sectorSize);
        status.put("sectors", stats.sectorCount());
        status.put("sectorsUsed", stats.usedSectors());
        status.put("sectorsFree", stats.freeSectors());
        status.put("largestFreeRun", stats.largestFreeRun());
        status.put("fragmentation", stats.fragmentation());
        status.put("openFiles", openFiles.get());
        return status;
    }

    @Override
    public List<MetricSample> metrics() {
        AllocatorStats stats = allocator.stats();
        return List.of(
                MetricSample.gauge("cairn_pool_sectors", "Sectors of the file pool", stats.sectorCount()),
                MetricSample.gauge("cairn_pool_sectors_used", "Sectors of the file pool in use", stats.usedSectors()),
                MetricSample.gauge("cairn_pool_sectors_free", "Free sectors of the file pool", stats.freeSectors()),
                MetricSample.gauge("cairn_pool_largest_free_run_sectors",
                        "Longest run of free sectors of the file pool", stats.largestFreeRun()),
                MetricSample.gauge("cairn_pool_fragmentation_ratio",
                        "1 - largest free run / free sectors: 0 when free space is one run", stats.fragmentation()),
                MetricSample.gauge("cairn_pool_sector_size_bytes", "Sector size of the file pool", sectorSize),
                MetricSample.gauge("cairn_pool_open_files", "Files of the pool not yet closed", openFiles.get()));
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        device.io().close();
    }

    @Override
    public String toString() {
        return "BlockFilePool[" + path + ", " + allocatorName + ", " + sectorSize + "-byte sectors]";
    }
}
