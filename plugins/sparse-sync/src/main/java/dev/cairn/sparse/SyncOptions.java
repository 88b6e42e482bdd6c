package dev.cairn.sparse;

/**
 * How the sync client works.
 *
 * @param batchSize checksum and transfer batch, a multiple of 4096 (default 2 MiB)
 * @param workers parallel requests (default 4)
 * @param verify compare whole-file digests at the end (default true; {@code --no-verify} turns it off)
 * @param fast skip the file when both sides carry the same recorded digest of a verified sync
 */
record SyncOptions(int batchSize, int workers, boolean verify, boolean fast) {
    static final int DEFAULT_BATCH = 2 << 20;

    SyncOptions {
        if (batchSize < 4096 || batchSize % 4096 != 0) {
            throw new IllegalArgumentException("batch size must be a positive multiple of 4096, not " + batchSize);
        }
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("workers must be 1..64, not " + workers);
        }
    }

    static SyncOptions defaults() {
        return new SyncOptions(DEFAULT_BATCH, 4, true, false);
    }
}
