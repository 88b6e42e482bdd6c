package dev.cairn.spi.dir;

/** How {@link Directory#open} opens a file. */
public enum OpenFlag {
    /** Open for reading. */
    READ,
    /** Open for writing. */
    WRITE,
    /** Writes go to the end. */
    APPEND,
    /** Create when absent. */
    CREATE,
    /** With {@link #CREATE}: fail when present. */
    EXCLUSIVE,
    /** Truncate to 0 bytes on open. */
    TRUNCATE
}
