package dev.cairn.spi.io;

import java.util.Objects;

/**
 * A range of a file and what it holds.
 *
 * @param offset start, in bytes
 * @param length length, in bytes, at least 1
 * @param kind data or hole
 */
public record Interval(long offset, long length, Kind kind) {
    /** What a range holds. */
    public enum Kind {
        /** Allocated bytes. */
        DATA,
        /** Unallocated: reads as zeros. */
        HOLE
    }

    /** Rejects empty or negative ranges. */
    public Interval {
        if (offset < 0 || length < 1) {
            throw new IllegalArgumentException("invalid interval " + offset + "+" + length);
        }
        Objects.requireNonNull(kind, "kind is null");
    }

    /** @return the first offset after the interval */
    public long end() {
        return offset + length;
    }
}
