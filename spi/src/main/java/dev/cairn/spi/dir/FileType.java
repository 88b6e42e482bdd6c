package dev.cairn.spi.dir;

/** Kinds of directory entries. */
public enum FileType {
    /** A regular file. */
    REGULAR,
    /** A directory. */
    DIRECTORY,
    /** A symbolic link. */
    SYMLINK,
    /** Anything else: device, FIFO, socket. */
    OTHER
}
