package dev.cairn.layerfs.union;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/** The few libc calls Java's file API lacks (no-follow ownership, device nodes, any xattr namespace, fd I/O). */
public interface Libc {
    /** Loaded once. */
    Libc INSTANCE = LibraryLoader.create(Libc.class).load("c");

    /** @return errno of the last failed call on this thread */
    static int errno() {
        return Runtime.getRuntime(INSTANCE).getLastError();
    }

    int open(String path, int flags, int mode);

    int close(int fd);

    /** @return the address of {@code size} bytes that libfuse will free() */
    long malloc(long size);

    long pread(int fd, Pointer buf, long count, long offset);

    long pwrite(int fd, Pointer buf, long count, long offset);

    int ftruncate(int fd, long length);

    int fsync(int fd);

    int chmod(String path, int mode);

    /** glibc >= 2.33 exports lstat itself; buf is a platform struct stat */
    int lstat(String path, Pointer buf);

    int lchown(String path, int uid, int gid);

    int mknod(String path, int mode, long dev);

    int lsetxattr(String path, String name, byte[] value, long size, int flags);

    long lgetxattr(String path, String name, byte[] value, long size);

    long llistxattr(String path, byte[] list, long size);

    int lremovexattr(String path, String name);

    /** @param times two timespecs: {sec, nsec, sec, nsec} */
    int utimensat(int dirfd, String path, long[] times, int flags);

    /** AT_FDCWD */
    int AT_FDCWD = -100;
    /** AT_SYMLINK_NOFOLLOW */
    int AT_SYMLINK_NOFOLLOW = 0x100;
}
