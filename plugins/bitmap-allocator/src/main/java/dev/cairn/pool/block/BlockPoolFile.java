package dev.cairn.pool.block;

import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.alloc.SectorRun;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.pool.RegionType;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A file of the {@code block} pool: a list of sector numbers, one per {@code sectorSize} bytes of the file, 0 for
 * a hole, trailing holes trimmed. File offset {@code i * sectorSize + o} lives at device offset
 * {@code (sectors[i] - 1) * sectorSize + o}.
 *
 * <p>Invariant: bytes of an owned sector beyond the file's size are zero (new sectors are padded with zeros and
 * truncation zeroes the tail), so growing the file never exposes old data.
 */
final class BlockPoolFile implements PoolFile {
    private static final byte[] ZEROS = new byte[8192];

    private final BlockFilePool pool;
    private final SectorAllocator allocator;
    private final SectorDevice device;
    private final int sectorSize;
    private final long maxFileSize;
    private int[] sectors = new int[0];
    /** Number of meaningful entries of {@link #sectors}; entry {@code used - 1} is never 0. */
    private int used;
    private long size;
    private boolean closed;

    BlockPoolFile(BlockFilePool pool, SectorAllocator allocator, SectorDevice device, int sectorSize,
            long maxFileSize) {
        this.pool = Objects.requireNonNull(pool, "pool is null");
        this.allocator = Objects.requireNonNull(allocator, "allocator is null");
        this.device = Objects.requireNonNull(device, "device is null");
        this.sectorSize = sectorSize;
        this.maxFileSize = maxFileSize;
    }

    @Override
    public int readAt(ByteBuffer dst, long offset) throws IOException {
        checkOpen();
        checkOffset(offset);
        if (offset >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - offset);
        long pos = offset;
        long end = offset + n;
        int limit = dst.limit();
        try {
            while (pos < end) {
                // Sizes may exceed the sector list by far (a file grown by truncate): indexes are longs until
                // known to lie inside the list.
                long at = pos / sectorSize;
                if (at >= used || sectors[(int) at] == 0) {
                    long j = at + 1;
                    while (j < used && sectors[(int) j] == 0 && j * sectorSize < end) {
                        j++;
                    }
                    long stop = j < used ? Math.min(end, j * sectorSize) : end;
                    for (long k = pos; k < stop; ) {
                        int chunk = (int) Math.min(ZEROS.length, stop - k);
                        dst.put(ZEROS, 0, chunk);
                        k += chunk;
                    }
                    pos = stop;
                } else {
                    int index = (int) at;
                    int j = index + 1;
                    while (j < used && sectors[j] == sectors[j - 1] + 1 && (long) j * sectorSize < end) {
                        j++;
                    }
                    long stop = Math.min(end, (long) j * sectorSize);
                    dst.limit(dst.position() + (int) (stop - pos));
                    device.read(dst, deviceOffset(index, pos));
                    dst.limit(limit);
                    pos = stop;
                }
            }
        } finally {
            dst.limit(limit);
        }
        return n;
    }

    @Override
    public void writeAt(ByteBuffer src, long offset) throws IOException {
        checkOpen();
        checkOffset(offset);
        int length = src.remaining();
        if (length == 0) {
            return;
        }
        long end = offset + length;
        if (end > maxFileSize || end < 0) {
            // A file's sector list has one int per sector up to its last write: bound it by the device's size so a
            // write at a huge offset is an error, not an out-of-memory kill.
            throw new IOException("cannot write " + length + " bytes at offset " + offset + ": files of this pool"
                    + " end at " + maxFileSize + " bytes (the size of its backing store)");
        }
        int first = (int) (offset / sectorSize);
        int last = (int) ((end - 1) / sectorSize);
        ensureCapacity(last + 1);
        boolean[] fresh = new boolean[last - first + 1];
        int usedBefore = used;
        int position = src.position();
        try {
            allocateHoles(first, last, fresh);
            used = Math.max(used, last + 1);
            int head = (int) (offset % sectorSize);
            if (fresh[0] && head != 0) {
                device.zero(deviceOffset(first, (long) first * sectorSize), head);
            }
            int tail = (int) (end % sectorSize);
            if (fresh[fresh.length - 1] && tail != 0) {
                device.zero(deviceOffset(last, end), sectorSize - tail);
            }
            writeExtents(src, offset, end);
        } catch (IOException | RuntimeException e) {
            // Give back what this write took: a failed write must not leak sectors.
            int[] taken = new int[fresh.length];
            for (int i = 0; i < fresh.length; i++) {
                if (fresh[i]) {
                    taken[i] = sectors[first + i];
                    sectors[first + i] = 0;
                }
            }
            allocator.freeList(taken);
            used = usedBefore;
            trim();
            src.position(position);
            throw e;
        }
        size = Math.max(size, end);
    }

    private void allocateHoles(int first, int last, boolean[] fresh) throws IOException {
        int i = first;
        while (i <= last) {
            if (sector(i) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j <= last && sector(j) == 0) {
                j++;
            }
            while (i < j) {
                SectorRun run = allocator.allocateContiguous(j - i);
                for (int k = 0; k < run.count(); k++) {
                    sectors[i + k] = run.firstSector() + k;
                    fresh[i + k - first] = true;
                }
                i += run.count();
            }
        }
    }

    /** Writes {@code [offset, end)} from {@code src}, one device write per run of consecutive sectors. */
    private void writeExtents(ByteBuffer src, long offset, long end) throws IOException {
        int limit = src.limit();
        try {
            long pos = offset;
            while (pos < end) {
                int index = (int) (pos / sectorSize);
                int j = index + 1;
                while (j < used && sectors[j] == sectors[j - 1] + 1 && (long) j * sectorSize < end) {
                    j++;
                }
                long stop = Math.min(end, (long) j * sectorSize);
                src.limit(src.position() + (int) (stop - pos));
                device.write(src, deviceOffset(index, pos));
                pos = stop;
            }
        } finally {
            src.limit(limit);
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void truncate(long newSize) throws IOException {
        checkOpen();
        if (newSize < 0) {
            throw new IllegalArgumentException("size must not be negative: " + newSize);
        }
        if (newSize < size) {
            long keepSectors = (newSize + sectorSize - 1) / sectorSize;
            int tail = (int) (newSize % sectorSize);
            if (keepSectors <= used) {
                int keep = (int) keepSectors;
                // Zero first: if the device fails, the file is unchanged.
                if (tail != 0 && sector(keep - 1) != 0) {
                    device.zero(deviceOffset(keep - 1, newSize), sectorSize - tail);
                }
                if (keep < used) {
                    int[] freed = Arrays.copyOfRange(sectors, keep, used);
                    allocator.freeList(freed);
                    Arrays.fill(sectors, keep, used, 0);
                    used = keep;
                    trim();
                }
            }
        }
        size = newSize;
    }

    @Override
    public long nextRegionOffset(long offset, RegionType type) throws IOException {
        checkOpen();
        checkOffset(offset);
        Objects.requireNonNull(type, "type is null");
        if (offset >= size) {
            throw new EOFException("offset " + offset + " is at or past the end of the file (" + size + " bytes)");
        }
        long at = offset / sectorSize;
        if (at >= used) {
            if (type == RegionType.DATA) {
                throw new EOFException("no data at or after offset " + offset);
            }
            return offset;
        }
        int index = (int) at;
        if (type == RegionType.DATA) {
            while (index < used && sectors[index] == 0) {
                index++;
            }
            if (index >= used) {
                throw new EOFException("no data at or after offset " + offset);
            }
            return Math.max(offset, (long) index * sectorSize);
        }
        while (index < used && sectors[index] != 0) {
            index++;
        }
        return Math.min(size, Math.max(offset, (long) index * sectorSize));
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        allocator.freeList(Arrays.copyOf(sectors, used));
        sectors = new int[0];
        used = 0;
        size = 0;
        pool.closed(this);
    }

    /** @return the file's sector list, 0 for holes, trailing holes trimmed (for tests and statistics) */
    int[] sectors() {
        return Arrays.copyOf(sectors, used);
    }

    private int sector(int index) {
        return index < used ? sectors[index] : 0;
    }

    private long deviceOffset(int index, long filePosition) {
        return (long) (sectors[index] - 1) * sectorSize + (filePosition - (long) index * sectorSize);
    }

    private void ensureCapacity(int n) {
        if (sectors.length < n) {
            int doubled = (int) Math.min(Integer.MAX_VALUE - 8, sectors.length * 2L);
            sectors = Arrays.copyOf(sectors, Math.max(n, doubled));
        }
    }

    private void trim() {
        while (used > 0 && sectors[used - 1] == 0) {
            used--;
        }
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("pool file is closed");
        }
        pool.checkOpen();
    }

    private static void checkOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
    }
}
