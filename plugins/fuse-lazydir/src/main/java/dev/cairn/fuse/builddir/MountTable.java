package dev.cairn.fuse.builddir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads {@code /proc/self/mountinfo}: is something mounted at a path, and with which file system type. */
final class MountTable {
    private MountTable() {
    }

    /**
     * @param mountpoint an absolute path, without symlinks
     * @return the file system type mounted there (the last mount, if stacked), or empty
     * @throws IOException when the mount table cannot be read
     */
    static Optional<String> typeAt(Path mountpoint) throws IOException {
        String wanted = mountpoint.toString();
        String found = null;
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] fields = line.split(" ");
            if (fields.length < 5 || !unescape(fields[4]).equals(wanted)) {
                continue;
            }
            int dash = line.indexOf(" - ");
            found = dash < 0 ? "unknown" : line.substring(dash + 3).split(" ")[0];
        }
        return Optional.ofNullable(found);
    }

    /** mountinfo escapes space, tab, newline and backslash as {@code \ooo}. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 4 <= s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * The canonical form of a mount point that may itself be a stale mount (so {@code toRealPath} on it fails):
     * resolve the parent only.
     */
    static Path canonical(Path mountpoint) throws IOException {
        Path abs = mountpoint.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        return parent == null ? abs : parent.toRealPath().resolve(abs.getFileName());
    }
}
