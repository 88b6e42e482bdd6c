package dev.cairn.spi.dir;

import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * Attributes of a directory entry, as {@code lstat} reports them.
 *
 * @param type the kind of entry
 * @param size size in bytes
 * @param mode permission bits (for example {@code 0755})
 * @param inode inode number
 * @param linkCount number of hard links
 * @param modified last modification time
 */
public record FileAttributes(FileType type, long size, int mode, long inode, int linkCount, FileTime modified) {
    /** Rejects null fields. */
    public FileAttributes {
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(modified, "modified is null");
    }
}
