package dev.cairn.spi.dir;

import java.util.Objects;

/**
 * A child returned by {@link Directory#readdir()}.
 *
 * @param name the child's name
 * @param type its kind
 */
public record DirectoryEntry(String name, FileType type) {
    /** Rejects null fields. */
    public DirectoryEntry {
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(type, "type is null");
    }
}
