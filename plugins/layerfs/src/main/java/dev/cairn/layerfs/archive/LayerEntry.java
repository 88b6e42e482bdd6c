package dev.cairn.layerfs.archive;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One entry of a layer, as its tar header describes it.
 *
 * @param path normalized relative path ("" is the root), never absolute, never containing {@code ..}
 * @param kind what it is
 * @param mode permission bits (including setuid/setgid/sticky), without the file type
 * @param uid owner
 * @param gid group
 * @param mtimeMillis modification time
 * @param size content size (regular files), 0 otherwise
 * @param link symlink target, or for a hard link the normalized path of its target; "" otherwise
 * @param devMajor device major (devices)
 * @param devMinor device minor (devices)
 * @param xattrs extended attributes (PAX {@code SCHILY.xattr.*}), sorted by name
 */
public record LayerEntry(String path, EntryKind kind, int mode, long uid, long gid, long mtimeMillis, long size,
                         String link, int devMajor, int devMinor, Map<String, byte[]> xattrs) {
    /** Validates and copies. */
    public LayerEntry {
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(kind, "kind is null");
        Objects.requireNonNull(link, "link is null");
        Objects.requireNonNull(xattrs, "xattrs is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
        xattrs = java.util.Collections.unmodifiableMap(new TreeMap<>(xattrs));
        mode &= 07777;
    }

    /** @return an implicit directory (a parent the archive did not list) */
    public static LayerEntry implicitDir(String path) {
        return new LayerEntry(path, EntryKind.DIR, 0755, 0, 0, 0, 0, "", 0, 0, Map.of());
    }

    /** @return the last path element ("" for the root) */
    public String name() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** @return the parent path ("" for top-level entries), or null for the root */
    public String parent() {
        if (path.isEmpty()) {
            return null;
        }
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}
