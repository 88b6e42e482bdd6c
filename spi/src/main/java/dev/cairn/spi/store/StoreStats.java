package dev.cairn.spi.store;

/**
 * Size and counts of a store view.
 *
 * @param sizeBytes bytes held by complete entries
 * @param entries number of complete entries
 * @param maxSizeBytes the budget, 0 for unlimited
 */
public record StoreStats(long sizeBytes, long entries, long maxSizeBytes) {
    /** Rejects negative values. */
    public StoreStats {
        if (sizeBytes < 0 || entries < 0 || maxSizeBytes < 0) {
            throw new IllegalArgumentException("negative store statistics");
        }
    }
}
