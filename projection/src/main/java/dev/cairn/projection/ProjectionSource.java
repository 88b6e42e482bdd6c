package dev.cairn.projection;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;

/**
 * Where a payload comes from: a directory tree ({@link #directory}) or a JSON document ({@link #json}).
 *
 * <p><b>Directory trees.</b> Every regular file becomes a payload file with its path relative to the root and its
 * permission bits; owners are not copied; empty directories are not projected. Top-level entries whose name starts
 * with {@code ..} are skipped, so a directory written by an {@link AtomicWriter} (a mounted ConfigMap, say) can be
 * projected again: its visible symlinks are followed, its {@code ..data} machinery is not copied. Symlinks are
 * <em>followed when they resolve inside the root</em> (that is what a ConfigMap volume is made of) and
 * <em>refused</em> with an {@link InvalidPayloadException} when they resolve outside it, dangle, or loop: a
 * projection never copies files from outside its source. Other file types (FIFOs, sockets, devices) are refused.
 *
 * <p><b>JSON documents.</b> One object mapping each path to a file object:
 * <pre>
 * {
 *   "app.yaml":        {"content": "level: info\n"},
 *   "certs/tls.key":   {"base64": "LS0tLS1CRUdJTi...", "mode": "0600"},
 *   "bin/run.sh":      {"content": "#!/bin/sh\n", "mode": "0755", "uid": 1000, "gid": 1000}
 * }
 * </pre>
 * Exactly one of {@code content} (text, written as UTF-8) or {@code base64} (standard Base64, bytes) is required;
 * {@code mode} is an octal string between {@code "0000"} and {@code "0777"} (default {@code "0644"}; a JSON number is
 * refused because {@code 644} and {@code 0644} would be easy to confuse); {@code uid}/{@code gid} are optional
 * non-negative integers. Any other key is an error.
 */
public interface ProjectionSource {
    /**
     * Reads the payload as it is now.
     *
     * @return cleaned paths mapped to files, sorted
     * @throws InvalidPayloadException when the source is malformed or a path is invalid
     * @throws IOException when the source cannot be read
     */
    SortedMap<String, PayloadFile> read() throws IOException;

    /** @return the directory tree or the JSON file */
    Path path();

    /**
     * @return the directories a watcher registers to hear of changes: every directory of a tree, or the directory
     *     holding the JSON file (editors and atomic writers replace files by renaming into it)
     * @throws IOException when the source cannot be listed
     */
    List<Path> watchedDirectories() throws IOException;

    /**
     * @param dir a directory tree
     * @return a source reading it
     */
    static ProjectionSource directory(Path dir) {
        return new DirectorySource(dir);
    }

    /**
     * @param file a JSON document in the format above
     * @return a source reading it
     */
    static ProjectionSource json(Path file) {
        return new JsonPayloadSource(file);
    }

    /**
     * @param path a directory (a tree) or a regular file (JSON)
     * @return the source of the matching kind
     * @throws NoSuchFileException when the path does not exist
     */
    static ProjectionSource of(Path path) throws NoSuchFileException {
        requireNonNull(path, "path is null");
        if (Files.isDirectory(path)) {
            return directory(path);
        }
        if (Files.isRegularFile(path)) {
            return json(path);
        }
        throw new NoSuchFileException(path.toString(), null, "no such directory or JSON file");
    }
}
