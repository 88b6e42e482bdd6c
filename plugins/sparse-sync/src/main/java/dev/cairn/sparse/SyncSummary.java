package dev.cairn.sparse;

import java.util.Locale;

/**
 * What a sync did.
 *
 * @param size the file's size
 * @param dataBytes bytes of data in the source's layout
 * @param bytesSent data bytes written to the target
 * @param batchesSent data batches that were written
 * @param batchesSkipped data batches whose checksums matched
 * @param checksums checksums asked of the target
 * @param holes holes punched in the target
 * @param targetExisted whether the target existed (so checksums were compared)
 * @param verified whether the whole-file digests were compared and matched
 * @param fastSkipped whether the fast path skipped the whole file
 * @param millis wall time
 */
record SyncSummary(long size, long dataBytes, long bytesSent, long batchesSent, long batchesSkipped, long checksums,
                   long holes, boolean targetExisted, boolean verified, boolean fastSkipped, long millis) {
    String line() {
        if (fastSkipped) {
            return String.format(Locale.ROOT, "sync: skipped %s: unchanged since the last verified sync (%s)",
                    Progress.bytes(size), Progress.seconds(millis));
        }
        return String.format(Locale.ROOT, "sync: %s (%s data): sent %s in %d batches, %d batches unchanged, %d "
                        + "checksums, %d holes, %s, %s", Progress.bytes(size), Progress.bytes(dataBytes),
                Progress.bytes(bytesSent), batchesSent, batchesSkipped, checksums, holes,
                verified ? "verified" : "not verified", Progress.seconds(millis));
    }
}
