package dev.cairn.dir;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The few {@code *at} system calls that make directory handles race-free: each call names a child relative to an
 * open directory descriptor, so a path component swapped for a symlink between two calls is never followed.
 */
interface Posix extends Library {
    Posix LIBC = Native.load("c", Posix.class);

    boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));
    int O_RDONLY = 0;
    int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
    int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;
    int O_CLOEXEC = 02000000;
    int O_PATH = 010000000;
    int AT_SYMLINK_NOFOLLOW = 0x100;
    int AT_REMOVEDIR = 0x200;

    int EPERM = 1;
    int ENOENT = 2;
    int EACCES = 13;
    int EEXIST = 17;
    int EXDEV = 18;
    int ENOTDIR = 20;
    int EISDIR = 21;
    int EINVAL = 22;
    int ELOOP = 40;
    int ENOTEMPTY = 39;

    int open(String path, int flags, int mode) throws LastErrorException;

    int openat(int dirfd, String name, int flags, int mode) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int fsync(int fd) throws LastErrorException;

    int mkdirat(int dirfd, String name, int mode) throws LastErrorException;

    int unlinkat(int dirfd, String name, int flags) throws LastErrorException;

    int renameat(int olddirfd, String oldName, int newdirfd, String newName) throws LastErrorException;

    int linkat(int olddirfd, String oldName, int newdirfd, String newName, int flags) throws LastErrorException;

    int symlinkat(String target, int newdirfd, String name) throws LastErrorException;

    /** {@code times} is {@code struct timespec[2]}: atime seconds, nanoseconds, mtime seconds, nanoseconds. */
    int utimensat(int dirfd, String name, long[] times, int flags) throws LastErrorException;

    String strerror(int errno);
}
