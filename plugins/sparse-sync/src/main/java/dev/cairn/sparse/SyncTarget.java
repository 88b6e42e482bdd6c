package dev.cairn.sparse;

import java.io.IOException;

/**
 * Where a sync writes: a local file or a file on a sync server. The calls mirror the ssync protocol: open with the
 * size, punch holes, compare batch checksums, write data, verify, then commit (fsync). Every call except open and
 * commit may run concurrently from several workers; writes and holes are idempotent, so retrying one is safe.
 */
interface SyncTarget extends AutoCloseable {
    /**
     * Opens (creating if needed) the target and sets its size; existing content within the size is kept so that
     * checksums can skip unchanged batches.
     *
     * @param size the source's size
     * @return whether the target existed before (so checksums are worth comparing)
     * @throws IOException on failure
     */
    boolean open(long size) throws IOException;

    /**
     * @return the target's data and hole intervals (after {@link #open}), so the client punches holes only where the
     *     target holds data: one request instead of one per hole
     */
    java.util.List<dev.cairn.spi.io.Interval> layout() throws IOException;

    /** Deallocates a range (reads as zeros afterwards). */
    void punchHole(long offset, long length) throws IOException;

    /** @return the SHA-256 of the target's bytes in the range */
    byte[] checksum(long offset, int length) throws IOException;

    /** Writes {@code length} bytes of {@code bytes} from {@code from} at {@code offset}. */
    void write(long offset, byte[] bytes, int from, int length) throws IOException;

    /**
     * Writes the data ranges of one batch. The target may remember the batch's digest, computed from the bytes it
     * wrote and, between the ranges, from what it reads back, so that {@link #commit} need not read the batch again.
     *
     * @param offset start of the batch
     * @param length length of the batch
     * @param ranges the data ranges to write, in order, inside the batch and not overlapping
     * @param bytes the batch's bytes: {@code bytes[i]} belongs at {@code offset + i} (only the ranges are read; the
     *     target may overwrite the rest)
     */
    default void writeBatch(long offset, int length, java.util.List<dev.cairn.spi.io.Interval> ranges, byte[] bytes)
            throws IOException {
        for (dev.cairn.spi.io.Interval d : ranges) {
            write(d.offset(), bytes, (int) (d.offset() - offset), (int) d.length());
        }
    }

    /**
     * @return the digest a previous verified sync recorded for the target, if it is still valid for the target's size
     *     and modification time (the fast path); empty when there is none or the target does not exist
     */
    java.util.Optional<String> recorded() throws IOException;

    /**
     * Flushes to stable storage and closes. With an expected digest, the target computes its own whole-file digest
     * ({@link ContentDigest#whole}) and records it (with size and modification time) only when it matches; otherwise
     * it records nothing and throws {@link VerificationException}.
     *
     * @param expected the source's whole-file digest, or null to skip verification (nothing is recorded then)
     * @param batchSize the batch size the digest was computed with
     */
    void commit(byte[] expected, int batchSize) throws IOException;

    /** Closes without recording anything; the target keeps what was written, for a later resume. */
    @Override
    void close() throws IOException;
}
