package dev.cairn.io;

/**
 * How {@link NativeFileIoProcessor#dataLayout(LayoutMethod)} finds data and holes. Measured on ext4 (bench/file-io, a
 * file of alternating 4 KiB data and 4 KiB holes): SEEK_DATA/SEEK_HOLE 70 ms for 10,000 extents and 762 ms for
 * 100,000; FIEMAP 21 ms and 251 ms, a third of the time. FIEMAP needs FIEMAP_FLAG_SYNC (a flush) to see delayed
 * allocations and is missing on tmpfs, FUSE and NFS, so {@link #AUTO}, the default, seeks first and switches to
 * FIEMAP only once a file proves fragmented.
 */
public enum LayoutMethod {
    /** {@code lseek(SEEK_DATA)}/{@code lseek(SEEK_HOLE)}: two system calls per data extent, no flush. */
    SEEK,
    /** The FS_IOC_FIEMAP ioctl with FIEMAP_FLAG_SYNC, extents fetched 512 per call; unwritten extents are holes. */
    FIEMAP,
    /** SEEK for the first 64 data extents, then FIEMAP for the rest where the file system supports it. */
    AUTO
}
