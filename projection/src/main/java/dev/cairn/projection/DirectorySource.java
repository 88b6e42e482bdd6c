package dev.cairn.projection;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/** A directory tree as a payload; the rules are on {@link ProjectionSource}. */
final class DirectorySource implements ProjectionSource {
    private static final int MAX_DEPTH = 64;

    private final Path root;

    DirectorySource(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    @Override
    public Path path() {
        return root;
    }

    @Override
    public SortedMap<String, PayloadFile> read() throws IOException {
        Path realRoot = root.toRealPath();
        Map<String, PayloadFile> raw = new HashMap<>();
        walk(realRoot, root, "", new HashSet<>(Set.of(realRoot)), 0, (rel, real, attrs) ->
                raw.put(rel, PayloadFile.of(Files.readAllBytes(real), AtomicWriter.mode(attrs.permissions()))));
        return PayloadPaths.cleanPayload(raw);
    }

    @Override
    public List<Path> watchedDirectories() throws IOException {
        Path realRoot = root.toRealPath();
        List<Path> dirs = new ArrayList<>();
        dirs.add(root);
        walkDirs(realRoot, root, "", new HashSet<>(Set.of(realRoot)), 0, dirs);
        return dirs;
    }

    private interface FileVisitor {
        void file(String rel, Path real, PosixFileAttributes attrs) throws IOException;
    }

    private void walk(Path realRoot, Path dir, String prefix, Set<Path> ancestors, int depth, FileVisitor visitor)
            throws IOException {
        for (Path entry : sortedEntries(dir)) {
            String name = entry.getFileName().toString();
            if (prefix.isEmpty() && name.startsWith("..")) {
                continue;
            }
            String rel = prefix + name;
            Path real = resolve(realRoot, entry, rel);
            PosixFileAttributes attrs = Files.readAttributes(real, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isDirectory()) {
                descend(realRoot, real, rel, ancestors, depth, () -> walk(realRoot, entry, rel + "/", ancestors,
                        depth + 1, visitor));
            } else if (attrs.isRegularFile()) {
                visitor.file(rel, real, attrs);
            } else {
                throw new InvalidPayloadException("source " + quote(rel) + " in " + root
                        + " is neither a regular file nor a directory");
            }
        }
    }

    private void walkDirs(Path realRoot, Path dir, String prefix, Set<Path> ancestors, int depth, List<Path> out)
            throws IOException {
        for (Path entry : sortedEntries(dir)) {
            String name = entry.getFileName().toString();
            String rel = prefix + name;
            if (prefix.isEmpty() && name.startsWith("..")) {
                continue;
            }
            Path real = resolve(realRoot, entry, rel);
            if (Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
                out.add(real);
                descend(realRoot, real, rel, ancestors, depth, () -> walkDirs(realRoot, entry, rel + "/", ancestors,
                        depth + 1, out));
            }
        }
    }

    private interface Body {
        void run() throws IOException;
    }

    private void descend(Path realRoot, Path real, String rel, Set<Path> ancestors, int depth, Body body)
            throws IOException {
        if (!ancestors.add(real) || depth >= MAX_DEPTH) {
            throw new InvalidPayloadException("source directory " + quote(rel) + " in " + root
                    + " loops back to one of its ancestors");
        }
        try {
            body.run();
        } finally {
            ancestors.remove(real);
        }
    }

    /** The real path of an entry, refusing symlinks that leave the root or dangle. */
    private Path resolve(Path realRoot, Path entry, String rel) throws IOException {
        if (!Files.isSymbolicLink(entry)) {
            return entry.toRealPath();
        }
        Path real;
        try {
            real = entry.toRealPath();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidPayloadException("source symlink " + quote(rel) + " in " + root + " dangles");
        } catch (java.nio.file.FileSystemLoopException e) {
            throw new InvalidPayloadException("source symlink " + quote(rel) + " in " + root + " loops");
        }
        if (real.equals(realRoot)) {
            throw new InvalidPayloadException("source symlink " + quote(rel) + " in " + root
                    + " loops back to the source directory");
        }
        if (!real.startsWith(realRoot)) {
            throw new InvalidPayloadException("source symlink " + quote(rel) + " in " + root + " points to " + real
                    + ", outside the source directory");
        }
        return real;
    }

    private static List<Path> sortedEntries(Path dir) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        entries.sort(null);
        return entries;
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    @Override
    public String toString() {
        return "directory " + root;
    }
}
