package dev.cairn.sparse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Confines target paths to a root: relative paths of plain segments only, no {@code ..}, no symbolic links on the
 * way (the final component is also opened with O_NOFOLLOW), parent directories created inside the root.
 */
final class TargetPaths {
    private TargetPaths() {
    }

    /**
     * @param root the real path of the root directory
     * @param relative the path the client asked for, e.g. {@code vm/disk.img}
     * @return the file inside the root
     * @throws TargetPathException when the path would escape the root or is not a regular file path
     * @throws IOException when a parent directory cannot be created
     */
    static Path resolve(Path root, String relative) throws IOException {
        if (relative == null || relative.isEmpty()) {
            throw new TargetPathException("", "empty path");
        }
        if (relative.startsWith("/")) {
            throw new TargetPathException(relative, "absolute paths are not allowed; give a path relative to the root");
        }
        if (relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) {
            throw new TargetPathException(relative, "NUL and backslash are not allowed");
        }
        String[] segments = relative.split("/", -1);
        for (String s : segments) {
            if (s.isEmpty() || s.equals(".") || s.equals("..")) {
                throw new TargetPathException(relative, "segments must not be empty, '.' or '..'");
            }
        }
        Path current = root;
        for (int i = 0; i < segments.length; i++) {
            current = current.resolve(segments[i]);
            if (Files.isSymbolicLink(current)) {
                throw new TargetPathException(relative, "'" + root.relativize(current) + "' is a symbolic link");
            }
            boolean last = i == segments.length - 1;
            if (last) {
                if (Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                    throw new TargetPathException(relative, "it is a directory");
                }
            } else if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(current);
            } else if (!Files.isDirectory(current, LinkOption.NOFOLLOW_LINKS)) {
                throw new TargetPathException(relative, "'" + root.relativize(current) + "' is not a directory");
            }
        }
        if (!current.normalize().startsWith(root)) {
            throw new TargetPathException(relative, "outside the root");
        }
        return current;
    }
}
