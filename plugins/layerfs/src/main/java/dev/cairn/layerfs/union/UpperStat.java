package dev.cairn.layerfs.union;

import jnr.ffi.Struct;
import ru.serce.jnrfuse.ErrorCodes;
import ru.serce.jnrfuse.struct.FileStat;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code lstat} of an upper-layer path, straight from libc into the platform's {@code struct stat} (jnr-fuse's
 * {@link FileStat} layout): no exception for a missing file and no attribute map, which matters because every
 * lookup of the merged view probes the upper layer for the name and for its whiteout.
 */
record UpperStat(int mode, long ino, long nlink, long uid, long gid, long size, long rdev,
                 long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec, long ctimeSec, long ctimeNsec) {
    private static final ThreadLocal<FileStat> BUF =
            ThreadLocal.withInitial(() -> new FileStat(jnr.ffi.Runtime.getRuntime(Libc.INSTANCE)));

    /** @return the attributes, or null when the path (or a parent) does not exist */
    static UpperStat of(Path p) throws IOException {
        FileStat st = BUF.get();
        if (Libc.INSTANCE.lstat(p.toString(), Struct.getMemory(st)) != 0) {
            int errno = Libc.errno();
            if (errno == ErrorCodes.ENOENT() || errno == ErrorCodes.ENOTDIR()) {
                return null;
            }
            throw new IOException("lstat " + p + " failed: errno " + errno);
        }
        return new UpperStat(st.st_mode.intValue(), st.st_ino.longValue(), st.st_nlink.longValue(),
                st.st_uid.longValue(), st.st_gid.longValue(), st.st_size.longValue(), st.st_rdev.longValue(),
                st.st_atim.tv_sec.get(), st.st_atim.tv_nsec.longValue(), st.st_mtim.tv_sec.get(),
                st.st_mtim.tv_nsec.longValue(), st.st_ctim.tv_sec.get(), st.st_ctim.tv_nsec.longValue());
    }

    /** @return whether the path exists (without following a final symlink) */
    static boolean exists(Path p) {
        FileStat st = BUF.get();
        return Libc.INSTANCE.lstat(p.toString(), Struct.getMemory(st)) == 0;
    }

    boolean isDir() {
        return (mode & FileStat.S_IFMT) == FileStat.S_IFDIR;
    }
}
