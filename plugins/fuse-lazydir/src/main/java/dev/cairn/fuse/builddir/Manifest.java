package dev.cairn.fuse.builddir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The input tree of a build directory, read from JSON:
 * <pre>{@code
 * {"entries": [
 *   {"path": "src/main.c", "size": 120, "mode": "0644", "sha256": "<64 hex>"},
 *   {"path": "build.sh", "size": 30, "executable": true, "sha256": "<64 hex>"},
 *   {"path": "out", "type": "directory"},
 *   {"path": "lib.so", "type": "symlink", "target": "lib.so.1"}
 * ]}
 * }</pre>
 * {@code type} is {@code file} (default), {@code directory} or {@code symlink}; {@code mode} is an octal string or
 * a number, default {@code 0644} (files) or {@code 0755} (directories), and {@code executable: true} adds
 * {@code 0111}. Unknown keys, duplicate paths and paths below a file are errors.
 *
 * @param entries the entries, in manifest order
 */
public record Manifest(List<ManifestEntry> entries) {
    private static final Set<String> KEYS = Set.of("path", "type", "size", "mode", "executable", "sha256", "target");

    /** Copies the list and rejects duplicates. */
    public Manifest {
        entries = List.copyOf(entries);
        Set<String> seen = new HashSet<>();
        for (ManifestEntry e : entries) {
            if (!seen.add(e.path())) {
                throw new IllegalArgumentException("path '" + e.path() + "' appears twice");
            }
        }
    }

    /**
     * @param file a manifest file
     * @return the manifest
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException when it is not a valid manifest; the message says where
     */
    public static Manifest read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        }
    }

    /**
     * @param in manifest JSON
     * @return the manifest
     * @throws IOException when it cannot be read or is not JSON
     * @throws IllegalArgumentException when it is not a valid manifest
     */
    public static Manifest parse(InputStream in) throws IOException {
        JsonNode root = new ObjectMapper().readTree(in);
        if (root == null || !root.isObject() || !root.path("entries").isArray()) {
            throw new IllegalArgumentException("a manifest is an object with an array 'entries'");
        }
        List<ManifestEntry> entries = new ArrayList<>();
        int index = 0;
        for (JsonNode node : root.get("entries")) {
            try {
                entries.add(entry(node));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("entries[" + index + "]: " + e.getMessage(), e);
            }
            index++;
        }
        return new Manifest(entries);
    }

    private static ManifestEntry entry(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("an entry is an object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "'; allowed: " + new java.util.TreeSet<>(KEYS));
            }
        }
        if (!node.path("path").isTextual()) {
            throw new IllegalArgumentException("'path' is required (a string)");
        }
        String path = node.get("path").asText();
        String type = node.path("type").asText("file");
        ManifestEntry.Kind kind = switch (type) {
            case "file" -> ManifestEntry.Kind.FILE;
            case "directory" -> ManifestEntry.Kind.DIRECTORY;
            case "symlink" -> ManifestEntry.Kind.SYMLINK;
            default -> throw new IllegalArgumentException(path + ": type '" + type
                    + "' is not one of file, directory, symlink");
        };
        int mode = kind == ManifestEntry.Kind.FILE ? 0644 : kind == ManifestEntry.Kind.DIRECTORY ? 0755 : 0777;
        JsonNode m = node.get("mode");
        if (m != null) {
            if (m.isTextual()) {
                try {
                    mode = Integer.parseInt(m.asText(), 8);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(path + ": mode '" + m.asText() + "' is not octal, e.g. \"0644\"");
                }
            } else if (m.isInt()) {
                mode = m.asInt();
            } else {
                throw new IllegalArgumentException(path + ": mode must be an octal string or a number");
            }
        }
        if (node.path("executable").asBoolean(false)) {
            mode |= 0111;
        }
        long size = 0;
        if (kind == ManifestEntry.Kind.FILE) {
            if (!node.path("size").canConvertToLong() || !node.path("size").isIntegralNumber()) {
                throw new IllegalArgumentException(path + ": 'size' is required (a whole number of bytes)");
            }
            size = node.get("size").asLong();
        }
        String sha = node.hasNonNull("sha256") ? node.get("sha256").asText() : null;
        String target = node.hasNonNull("target") ? node.get("target").asText() : null;
        return new ManifestEntry(path, kind, size, mode, sha, target);
    }
}
