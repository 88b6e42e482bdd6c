package dev.cairn.fuse.builddir;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of a build-directory manifest.
 *
 * @param path relative path, components separated by {@code /}, no {@code .}, {@code ..} or empty component
 * @param kind what the entry is
 * @param size content size in bytes (files)
 * @param mode permission bits, e.g. {@code 0644}
 * @param sha256 lower-case hex SHA-256 of the content (files); the content is the blob {@code content} of key
 *     {@code sha256} in the store's {@code source} namespace
 * @param target the link target (symlinks), stored as is
 */
public record ManifestEntry(String path, Kind kind, long size, int mode, String sha256, String target) {
    /** Kinds of manifest entries. */
    public enum Kind {
        /** A regular file whose content comes from the store. */
        FILE,
        /** A directory (parents of files are implied and need no entry). */
        DIRECTORY,
        /** A symbolic link. */
        SYMLINK
    }

    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Validates the fields; messages name the entry's path. */
    public ManifestEntry {
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(kind, "kind is null");
        checkPath(path);
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException(path + ": mode " + Integer.toOctalString(mode)
                    + " is not a permission mask (0 to 07777)");
        }
        if (kind == Kind.FILE) {
            if (size < 0) {
                throw new IllegalArgumentException(path + ": size " + size + " is negative");
            }
            if (sha256 == null || !SHA256.matcher(sha256).matches()) {
                throw new IllegalArgumentException(path + ": sha256 '" + sha256
                        + "' is not 64 lower-case hex digits");
            }
        }
        if (kind == Kind.SYMLINK && (target == null || target.isEmpty() || target.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException(path + ": a symlink needs a non-empty target");
        }
    }

    /**
     * @param path a manifest path
     * @throws IllegalArgumentException when it is absolute, empty, or has an empty, {@code .} or {@code ..}
     *     component (so no entry can appear outside the mount)
     */
    static void checkPath(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("path '" + path + "' must be relative and not empty");
        }
        for (String component : path.split("/", -1)) {
            if (component.isEmpty() || component.equals(".") || component.equals("..")) {
                throw new IllegalArgumentException("path '" + path
                        + "' has an empty, '.' or '..' component");
            }
            if (component.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("path '" + path + "' has a component longer than 255 bytes");
            }
        }
    }
}
