package dev.cairn.io;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The few libc calls the JDK lacks (fallocate, lseek with SEEK_DATA/SEEK_HOLE, the FIEMAP ioctl, O_DIRECT), bound
 * with JNA direct mapping for low call overhead. Linux on 64-bit x86 or ARM only: {@code size_t} and {@code off_t}
 * are Java longs there.
 */
final class LibC {
    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int O_TRUNC = 01000;
    static final int O_APPEND = 02000;
    static final int O_DSYNC = 010000;
    static final int O_SYNC = 04010000;
    static final int O_CLOEXEC = 02000000;
    /** O_DIRECT and O_NOFOLLOW differ between x86-64 and arm64. */
    static final int O_DIRECT = Platform.isARM() ? 0200000 : 040000;
    static final int O_NOFOLLOW = Platform.isARM() ? 0100000 : 0400000;

    static final int SEEK_END = 2;
    static final int SEEK_DATA = 3;
    static final int SEEK_HOLE = 4;

    static final int FALLOC_FL_KEEP_SIZE = 1;
    static final int FALLOC_FL_PUNCH_HOLE = 2;

    /** _IOWR('f', 11, struct fiemap), the same on x86-64 and arm64. */
    static final long FS_IOC_FIEMAP = 0xC020660BL;

    static final int EINTR = 4;
    static final int ENOENT = 2;
    static final int ENXIO = 6;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int ENOTDIR = 20;
    static final int ENOTTY = 25;
    static final int EISDIR = 21;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int ELOOP = 40;
    static final int EOPNOTSUPP = 95;

    static {
        if (!Platform.isLinux() || !Platform.is64Bit()) {
            throw new UnsupportedOperationException("cairn-file-io needs 64-bit Linux, not " + System.getProperty("os.name")
                    + " " + System.getProperty("os.arch"));
        }
        Native.register(LibC.class, Platform.C_LIBRARY_NAME);
    }

    private LibC() {
    }

    static native int open(String path, int flags, int mode) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native long pread(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    static native long pwrite(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    static native long lseek(int fd, long offset, int whence) throws LastErrorException;

    static native int fallocate(int fd, int mode, long offset, long length) throws LastErrorException;

    static native int fsync(int fd) throws LastErrorException;

    static native int fdatasync(int fd) throws LastErrorException;

    static native int ftruncate(int fd, long length) throws LastErrorException;

    static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;
}
