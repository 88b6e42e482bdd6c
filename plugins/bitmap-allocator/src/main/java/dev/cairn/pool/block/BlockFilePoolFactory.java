package dev.cairn.pool.block;

import dev.cairn.pool.quota.QuotaFilePool;
import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.HostContext;
import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.alloc.SectorAllocatorFactory;
import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.FilePoolFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * The {@code block} file pool: temporary files stored in sectors of a block device or of one large regular file
 * (created and sized, sparse, when missing), allocated by the {@link SectorAllocatorFactory} that
 * {@code pool.allocator} names, with I/O in the host's {@code io.mode}. See {@link BlockFilePoolConfig}.
 */
public final class BlockFilePoolFactory implements FilePoolFactory<BlockFilePoolConfig> {
    /** The name configuration uses ({@code pool.type: block}). */
    public static final String NAME = "block";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<BlockFilePoolConfig> configType() {
        return BlockFilePoolConfig.class;
    }

    @Override
    public FilePool create(BlockFilePoolConfig config, HostContext context) throws IOException {
        SectorAllocatorFactory allocators =
                context.factory(SectorAllocatorFactory.class, config.allocator(), "pool.allocator");
        Path path = context.resolve(config.path());
        if (Files.isDirectory(path)) {
            throw new ConfigurationException("path", path + " is a directory; expected a block device or a regular"
                    + " file (created if missing)");
        }
        boolean exists = Files.exists(path);
        boolean regular = !exists || Files.isRegularFile(path);
        if (!exists) {
            if (config.size() == null) {
                throw new ConfigurationException("size", "required: " + path + " does not exist yet and is created"
                        + " with this size");
            }
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
        }
        FileIoProcessorFactory ioFactory = context.fileIo();
        FileIoProcessor io = ioFactory.open(path, regular
                ? Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE)
                : Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        try {
            long sectorSize = config.sectorSize().bytes();
            if (sectorSize % io.alignment() != 0) {
                throw new ConfigurationException("sectorSize", config.sectorSize() + " is not a multiple of the "
                        + io.alignment() + "-byte alignment that io.mode " + io.mode() + " needs");
            }
            long current = io.size();
            long size;
            if (config.size() != null) {
                size = config.size().bytes();
                if (regular && current < size) {
                    io.truncate(size);
                } else if (!regular && current > 0 && current < size) {
                    throw new ConfigurationException("size", config.size() + " is larger than the device " + path
                            + " (" + current + " bytes)");
                }
            } else if (current >= sectorSize) {
                size = current;
            } else {
                throw new ConfigurationException("size", "required: the size of " + path + " is " + current
                        + " bytes");
            }
            long sectorCount = size / sectorSize;
            if (sectorCount > Integer.MAX_VALUE) {
                throw new ConfigurationException("size", size + " bytes is more than 2^31-1 sectors; use a larger"
                        + " sectorSize");
            }
            SectorAllocator allocator = allocators.create((int) sectorCount);
            FilePool pool = new BlockFilePool(path.toString(), config.allocator(), allocator, new SectorDevice(io),
                    (int) sectorSize);
            return config.quota() == null ? pool : new QuotaFilePool(pool, config.quota().bytes());
        } catch (IOException | RuntimeException e) {
            try {
                io.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
