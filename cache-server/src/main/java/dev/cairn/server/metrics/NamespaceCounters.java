package dev.cairn.server.metrics;

import java.util.concurrent.atomic.LongAdder;

/** Request counts of one store namespace. Thread-safe. */
public final class NamespaceCounters {
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder deletes = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();

    /** @param bytes size of the blob served */
    public void hit(long bytes) {
        hits.increment();
        bytesRead.add(bytes);
    }

    /** Counts a lookup that found nothing. */
    public void miss() {
        misses.increment();
    }

    /** @param bytes size of the blob stored */
    public void put(long bytes) {
        puts.increment();
        bytesWritten.add(bytes);
    }

    /** Counts a delete. */
    public void delete() {
        deletes.increment();
    }

    /** @return lookups that found a blob */
    public long hits() {
        return hits.sum();
    }

    /** @return lookups that found nothing */
    public long misses() {
        return misses.sum();
    }

    /** @return completed uploads */
    public long puts() {
        return puts.sum();
    }

    /** @return deletes */
    public long deletes() {
        return deletes.sum();
    }

    /** @return bytes served */
    public long bytesRead() {
        return bytesRead.sum();
    }

    /** @return bytes stored */
    public long bytesWritten() {
        return bytesWritten.sum();
    }
}
