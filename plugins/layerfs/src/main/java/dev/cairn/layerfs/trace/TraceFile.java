package dev.cairn.layerfs.trace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A trace file: a header line, then one {@code <micros since mount>\t<wait micros>\t<path>} line per first access,
 * flushed as it happens so a trace survives a killed mount.
 */
public final class TraceFile implements AccessTracer {
    static final String HEADER = "cairn-layerfs-trace 1";
    private final BufferedWriter out;
    private final Set<String> seen = new HashSet<>();

    private TraceFile(BufferedWriter out) {
        this.out = out;
    }

    /** Starts a new trace (replacing the file). */
    public static TraceFile create(Path file) throws IOException {
        Objects.requireNonNull(file, "file is null");
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        w.write(HEADER + "\n");
        w.flush();
        return new TraceFile(w);
    }

    @Override
    public synchronized void accessed(String path, long sinceMountNanos, long waitNanos) {
        if (path.isEmpty() || path.contains("\n") || path.contains("\t") || !seen.add(path)) {
            return;
        }
        try {
            out.write((sinceMountNanos / 1000) + "\t" + (waitNanos / 1000) + "\t" + path + "\n");
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("could not write trace", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    /** Reads a trace file. */
    public static List<TraceRecord> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + " is not a layerfs trace (missing '" + HEADER + "' header)");
        }
        List<TraceRecord> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t", 3);
            if (f.length != 3) {
                throw new IOException(file + ":" + (i + 1) + ": malformed trace line");
            }
            try {
                out.add(new TraceRecord(f[2], Long.parseLong(f[0]), Long.parseLong(f[1])));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }
}
