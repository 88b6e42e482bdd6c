package dev.cairn.pool.block;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.config.DataSize;

/**
 * Configuration of the {@code block} file pool.
 *
 * <pre>
 * pool:
 *   type: block
 *   allocator: bitmap        # any SectorAllocatorFactory name (default bitmap)
 *   path: var/pool.img       # a block device, or a regular file created and sized if missing
 *   size: 10GiB              # required unless the file exists (then defaults to its size)
 *   sectorSize: 4KiB         # power of two, 512B..1MiB (default 4KiB)
 *   quota: 2GiB              # optional: most bytes all files of the pool may hold together
 * </pre>
 *
 * @param allocator name of the {@link dev.cairn.spi.alloc.SectorAllocatorFactory}, default {@code bitmap}
 * @param path the backing block device or regular file
 * @param size bytes of the backing store to use; null to use the existing file's size
 * @param sectorSize allocation unit, default 4 KiB
 * @param quota optional limit on the sum of the sizes of the pool's files
 */
public record BlockFilePoolConfig(String allocator, String path, DataSize size, DataSize sectorSize, DataSize quota) {
    /** Default sector size. */
    public static final DataSize DEFAULT_SECTOR_SIZE = DataSize.ofBytes(4096);

    /** Applies defaults and validates every key. */
    public BlockFilePoolConfig {
        if (allocator == null) {
            allocator = "bitmap";
        }
        if (allocator.isBlank()) {
            throw new ConfigurationException("allocator", "must name a sector allocator, e.g. bitmap");
        }
        if (path == null || path.isBlank()) {
            throw new ConfigurationException("path", "required: a block device or a regular file, e.g. var/pool.img");
        }
        if (sectorSize == null) {
            sectorSize = DEFAULT_SECTOR_SIZE;
        }
        long ss = sectorSize.bytes();
        if (ss < 512 || ss > (1 << 20) || Long.bitCount(ss) != 1) {
            throw new ConfigurationException("sectorSize", "must be a power of two from 512B to 1MiB, not "
                    + sectorSize);
        }
        if (size != null && size.bytes() < ss) {
            throw new ConfigurationException("size", "must hold at least one sector of " + sectorSize + ", not "
                    + size);
        }
        if (size != null && size.bytes() / ss > Integer.MAX_VALUE) {
            throw new ConfigurationException("size", size + " is more than 2^31-1 sectors of " + sectorSize
                    + "; use a larger sectorSize");
        }
        if (quota != null && quota.bytes() < 1) {
            throw new ConfigurationException("quota", "must be at least 1 byte, or left out for no quota");
        }
    }
}
