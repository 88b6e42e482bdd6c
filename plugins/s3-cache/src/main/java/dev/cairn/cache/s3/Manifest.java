package dev.cairn.cache.s3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The content of an entry's commit marker: which generation holds its blobs, and their names and sizes. Written
 * after every blob, so a reader that finds a marker finds the whole entry.
 *
 * @param generation the folder of this entry's blobs
 * @param sizes blob names to sizes, sorted
 */
record Manifest(String generation, Map<String, Long> sizes) {
    private static final String MAGIC = "cairn-s3-entry 1";

    Manifest {
        Objects.requireNonNull(generation, "generation is null");
        sizes = Map.copyOf(sizes);
    }

    long totalSize() {
        return sizes.values().stream().mapToLong(Long::longValue).sum();
    }

    byte[] encode() {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n').append("generation ").append(generation).append('\n');
        new TreeMap<>(sizes).forEach((name, size) -> sb.append("blob ").append(name).append(' ').append(size)
                .append('\n'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Manifest decode(byte[] bytes, String where) throws IOException {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 2 || !lines[0].equals(MAGIC) || !lines[1].startsWith("generation ")) {
            throw new IOException("corrupt entry marker " + where);
        }
        Map<String, Long> sizes = new TreeMap<>();
        for (int i = 2; i < lines.length; i++) {
            String[] f = lines[i].split(" ");
            if (f.length != 3 || !f[0].equals("blob")) {
                throw new IOException("corrupt entry marker " + where + " at line " + (i + 1));
            }
            try {
                sizes.put(f[1], Long.parseLong(f[2]));
            } catch (NumberFormatException e) {
                throw new IOException("corrupt entry marker " + where + " at line " + (i + 1), e);
            }
        }
        return new Manifest(lines[1].substring("generation ".length()), sizes);
    }
}
