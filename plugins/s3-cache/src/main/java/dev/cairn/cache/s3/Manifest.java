package dev.cairn.cache.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The content of an entry's commit marker: which generation holds its blobs, and their names and sizes. Written
 * after every blob, so a reader that finds a marker finds the whole entry. Small entries carry their blobs inline
 * (after a blank line, in name order): one PUT writes them and one GET reads them.
 *
 * @param generation the folder of this entry's blobs
 * @param sizes blob names to sizes, sorted
 * @param inline blob names to contents when the entry is inline, else empty
 */
record Manifest(String generation, Map<String, Long> sizes, Map<String, byte[]> inline) {
    private static final String MAGIC = "cairn-s3-entry 1";
    /** Entries up to this many bytes are written inline in their marker. */
    static final long INLINE_LIMIT = 64 * 1024;

    Manifest {
        Objects.requireNonNull(generation, "generation is null");
        sizes = Map.copyOf(sizes);
        inline = Map.copyOf(inline);
        if (!inline.isEmpty() && !inline.keySet().equals(sizes.keySet())) {
            throw new IllegalArgumentException("an inline entry carries every blob");
        }
    }

    Manifest(String generation, Map<String, Long> sizes) {
        this(generation, sizes, Map.of());
    }

    boolean isInline() {
        return !inline.isEmpty();
    }

    long totalSize() {
        return sizes.values().stream().mapToLong(Long::longValue).sum();
    }

    byte[] encode() {
        StringBuilder sb = new StringBuilder(MAGIC).append('\n').append("generation ").append(generation).append('\n');
        String kind = isInline() ? "inline " : "blob ";
        new TreeMap<>(sizes).forEach((name, size) -> sb.append(kind).append(name).append(' ').append(size)
                .append('\n'));
        if (!isInline()) {
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(sb.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        new TreeMap<>(inline).values().forEach(out::writeBytes);
        return out.toByteArray();
    }

    static Manifest decode(byte[] bytes, String where) throws IOException {
        int headerEnd = bytes.length;
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
                headerEnd = i + 1;
                break;
            }
        }
        String[] lines = new String(bytes, 0, headerEnd, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 2 || !lines[0].equals(MAGIC) || !lines[1].startsWith("generation ")) {
            throw new IOException("corrupt entry marker " + where);
        }
        Map<String, Long> sizes = new TreeMap<>();
        boolean inline = false;
        for (int i = 2; i < lines.length; i++) {
            String[] f = lines[i].split(" ");
            if (f.length != 3 || !f[0].equals("blob") && !f[0].equals("inline")) {
                throw new IOException("corrupt entry marker " + where + " at line " + (i + 1));
            }
            inline |= f[0].equals("inline");
            try {
                sizes.put(f[1], Long.parseLong(f[2]));
            } catch (NumberFormatException e) {
                throw new IOException("corrupt entry marker " + where + " at line " + (i + 1), e);
            }
        }
        Map<String, byte[]> payloads = new TreeMap<>();
        if (inline) {
            int pos = headerEnd + 1;
            for (Map.Entry<String, Long> e : sizes.entrySet()) {
                int end = pos + Math.toIntExact(e.getValue());
                if (end > bytes.length) {
                    throw new IOException("corrupt entry marker " + where + ": inline blob " + e.getKey()
                            + " is cut short");
                }
                payloads.put(e.getKey(), Arrays.copyOfRange(bytes, pos, end));
                pos = end;
            }
            if (pos != bytes.length) {
                throw new IOException("corrupt entry marker " + where + ": " + (bytes.length - pos)
                        + " bytes after the inline blobs");
            }
        }
        return new Manifest(lines[1].substring("generation ".length()), sizes, payloads);
    }
}
