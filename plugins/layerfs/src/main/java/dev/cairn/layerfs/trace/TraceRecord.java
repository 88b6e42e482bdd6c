package dev.cairn.layerfs.trace;

import java.util.Objects;

/**
 * One first access in a trace.
 *
 * @param path the file's path in the mount
 * @param sinceMountMicros time from mount to the access
 * @param waitMicros time spent waiting for the content
 */
public record TraceRecord(String path, long sinceMountMicros, long waitMicros) {
    /** Validates. */
    public TraceRecord {
        Objects.requireNonNull(path, "path is null");
        if (path.isEmpty() || path.contains("\t") || path.contains("\n")) {
            throw new IllegalArgumentException("invalid trace path: '" + path + "'");
        }
        if (sinceMountMicros < 0 || waitMicros < 0) {
            throw new IllegalArgumentException("negative time in trace record for " + path);
        }
    }
}
