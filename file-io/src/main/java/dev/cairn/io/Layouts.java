package dev.cairn.io;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import dev.cairn.spi.io.Interval;

import java.util.ArrayList;
import java.util.List;

/** Reads a file's data/hole intervals through SEEK_DATA/SEEK_HOLE or FIEMAP. */
final class Layouts {
    private static final int FIEMAP_HEADER = 32;
    private static final int FIEMAP_EXTENT = 56;
    private static final int FIEMAP_BATCH = 512;
    private static final int FIEMAP_FLAG_SYNC = 0x1;
    private static final int FIEMAP_EXTENT_LAST = 0x1;
    private static final int FIEMAP_EXTENT_UNWRITTEN = 0x800;
    /** Data extents found by seeking before {@link LayoutMethod#AUTO} switches to FIEMAP. */
    static final int AUTO_SEEK_EXTENTS = 64;

    private Layouts() {
    }

    /**
     * @param fd an open descriptor
     * @param size the file's size
     * @return intervals covering [0, size), adjacent ones of the same kind merged
     * @throws LastErrorException when a call fails
     */
    static List<Interval> seek(int fd, long size) {
        List<Interval> out = new ArrayList<>();
        long pos = 0;
        while (pos < size) {
            pos = seekOne(fd, pos, size, out);
        }
        return out;
    }

    /**
     * @param fd an open descriptor
     * @param size the file's size
     * @return intervals covering [0, size); unwritten extents count as holes (they read as zeros)
     * @throws LastErrorException when the ioctl fails, e.g. EOPNOTSUPP on file systems without FIEMAP
     */
    static List<Interval> fiemap(int fd, long size) {
        List<Interval> out = new ArrayList<>();
        fiemap(fd, 0, size, out);
        return out;
    }

    /**
     * Seeks for the first {@link #AUTO_SEEK_EXTENTS} data extents; a file with more is fragmented, and FIEMAP takes
     * over from there (a third of the time per extent on ext4, see bench/file-io). Where FIEMAP is not supported
     * (tmpfs, FUSE, NFS) seeking goes on.
     */
    static List<Interval> auto(int fd, long size) {
        List<Interval> out = new ArrayList<>();
        long pos = 0;
        int extents = 0;
        while (pos < size) {
            if (extents == AUTO_SEEK_EXTENTS) {
                List<Interval> rest = new ArrayList<>();
                try {
                    fiemap(fd, pos, size, rest);
                    for (Interval i : rest) {
                        add(out, i.offset(), i.length(), i.kind());
                    }
                    return out;
                } catch (LastErrorException e) {
                    int errno = e.getErrorCode();
                    if (errno != LibC.EOPNOTSUPP && errno != LibC.ENOTTY && errno != LibC.EINVAL) {
                        throw e;
                    }
                }
            }
            pos = seekOne(fd, pos, size, out);
            extents++;
        }
        return out;
    }

    /** Adds the hole (if any) and the data extent at or after {@code pos}; @return the position after them */
    private static long seekOne(int fd, long pos, long size, List<Interval> out) {
        long data;
        try {
            data = LibC.lseek(fd, pos, LibC.SEEK_DATA);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != LibC.ENXIO) {
                throw e;
            }
            data = size;
        }
        data = Math.min(data, size);
        if (data > pos) {
            add(out, pos, data - pos, Interval.Kind.HOLE);
        }
        if (data >= size) {
            return size;
        }
        long hole = Math.min(LibC.lseek(fd, data, LibC.SEEK_HOLE), size);
        add(out, data, hole - data, Interval.Kind.DATA);
        return hole;
    }

    private static void fiemap(int fd, long start, long size, List<Interval> out) {
        long pos = start;
        long cursor = start;
        int flags = FIEMAP_FLAG_SYNC;
        try (Memory m = new Memory(FIEMAP_HEADER + (long) FIEMAP_EXTENT * FIEMAP_BATCH)) {
            boolean last = false;
            while (!last && cursor < size) {
                m.clear(FIEMAP_HEADER);
                m.setLong(0, cursor);
                m.setLong(8, size - cursor);
                m.setInt(16, flags);
                m.setInt(24, FIEMAP_BATCH);
                LibC.ioctl(fd, LibC.FS_IOC_FIEMAP, m);
                flags = 0; // one flush is enough
                int mapped = m.getInt(20);
                if (mapped == 0) {
                    break;
                }
                for (int i = 0; i < mapped; i++) {
                    long base = FIEMAP_HEADER + (long) FIEMAP_EXTENT * i;
                    long logical = m.getLong(base);
                    long length = m.getLong(base + 16);
                    int extentFlags = m.getInt(base + 40);
                    long from = Math.max(logical, pos);
                    long end = Math.min(logical + length, size);
                    if ((extentFlags & FIEMAP_EXTENT_UNWRITTEN) == 0 && end > from) {
                        if (from > pos) {
                            add(out, pos, from - pos, Interval.Kind.HOLE);
                        }
                        add(out, from, end - from, Interval.Kind.DATA);
                        pos = end;
                    }
                    cursor = Math.max(cursor, logical + length);
                    if ((extentFlags & FIEMAP_EXTENT_LAST) != 0) {
                        last = true;
                    }
                }
            }
        }
        if (pos < size) {
            add(out, pos, size - pos, Interval.Kind.HOLE);
        }
    }

    private static void add(List<Interval> out, long offset, long length, Interval.Kind kind) {
        if (!out.isEmpty()) {
            Interval prev = out.get(out.size() - 1);
            if (prev.kind() == kind && prev.end() == offset) {
                out.set(out.size() - 1, new Interval(prev.offset(), prev.length() + length, kind));
                return;
            }
        }
        out.add(new Interval(offset, length, kind));
    }
}
