package dev.cairn.spi.store;

/**
 * What a {@link Store#clean} removed.
 *
 * @param entriesRemoved number of entries removed
 * @param bytesRemoved bytes freed
 */
public record CleanResult(long entriesRemoved, long bytesRemoved) {
}
