package dev.cairn.cache.disk;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the whole file of recently read small entries on the heap, so a hot small entry is served without opening
 * its file. The bytes hang off the index's {@link EntryIndex.Info} of the entry version they were read from: a put
 * of the key makes a new {@code Info} (readers then miss the old bytes), and every removal from the index (replace,
 * delete, eviction, clean) calls {@link #forget}, which drops the bytes and returns them to the budget. Entries are
 * admitted while the budget has room; bytes of an entry removed from the index are never served again.
 */
final class SmallEntryCache {
    /** Entries (header and blobs) up to this size are cached. */
    static final int MAX_ENTRY = 64 * 1024;

    /**
     * The bytes of one entry version.
     *
     * @param header its parsed header
     * @param file the whole entry file
     */
    record Cached(EntryFormat.Header header, byte[] file) {
    }

    private final long budget;
    private final AtomicLong used = new AtomicLong();

    /** @param budget the most bytes held, 0 to cache nothing */
    SmallEntryCache(long budget) {
        if (budget < 0) {
            throw new IllegalArgumentException("budget must not be negative: " + budget);
        }
        this.budget = budget;
    }

    /**
     * Attaches an entry's bytes to its index version if the budget has room and the version is still in the index.
     *
     * @param info the version the bytes were read from
     * @param cached the bytes
     */
    void admit(EntryIndex.Info info, Cached cached) {
        int n = cached.file().length;
        if (budget == 0 || n > MAX_ENTRY) {
            return;
        }
        synchronized (info) {
            if (info.removed || info.cached != null) {
                return;
            }
            long now = used.addAndGet(n);
            if (now > budget) {
                used.addAndGet(-n);
                return;
            }
            info.cached = cached;
        }
    }

    /**
     * Drops the bytes of a version leaving the index; it is never cached again.
     *
     * @param info the version removed
     */
    void forget(EntryIndex.Info info) {
        synchronized (info) {
            info.removed = true;
            Cached c = info.cached;
            if (c != null) {
                info.cached = null;
                used.addAndGet(-c.file().length);
            }
        }
    }

    /** @return bytes held */
    long used() {
        return used.get();
    }

    /** @return the budget in bytes */
    long budget() {
        return budget;
    }
}
