package dev.cairn.cache.disk;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the whole file of recently read small entries on the heap, so a hot small entry is served without opening
 * its file. The bytes hang off the index's {@link EntryIndex.Info} of the entry version they were read from: a put
 * of the key makes a new {@code Info} (readers then miss the old bytes), and every removal from the index (replace,
 * delete, eviction, clean) calls {@link #forget}, which drops the bytes and returns them to the budget; bytes of an
 * entry removed from the index are never served again. When the budget is full, the entries admitted first are
 * dropped first (first in, first out: a hit takes no lock; a still-hot entry is read back from its file once).
 */
final class SmallEntryCache {
    /** Entries (header and blobs) up to this size are cached. */
    static final int MAX_ENTRY = 64 * 1024;

    /**
     * The bytes of one entry version.
     *
     * @param header its parsed header
     * @param file the whole entry file (the array may be one byte longer)
     */
    record Cached(EntryFormat.Header header, byte[] file) {
    }

    private final long budget;
    /** Versions holding bytes, oldest admission first; guarded by this object's lock, as are the infos' fields. */
    private final java.util.LinkedHashSet<EntryIndex.Info> held = new java.util.LinkedHashSet<>();
    private long used;

    /** @param budget the most bytes held, 0 to cache nothing */
    SmallEntryCache(long budget) {
        if (budget < 0) {
            throw new IllegalArgumentException("budget must not be negative: " + budget);
        }
        this.budget = budget;
    }

    /**
     * Attaches an entry's bytes to its index version unless the version left the index meanwhile, dropping the
     * bytes admitted first until they fit.
     *
     * @param info the version the bytes were read from
     * @param cached the bytes
     */
    synchronized void admit(EntryIndex.Info info, Cached cached) {
        int n = cached.file().length;
        if (n > MAX_ENTRY + 1 || n > budget || info.removed || info.cached != null) {
            return;
        }
        java.util.Iterator<EntryIndex.Info> oldest = held.iterator();
        while (used + n > budget && oldest.hasNext()) {
            EntryIndex.Info victim = oldest.next();
            oldest.remove();
            used -= victim.cached.file().length;
            victim.cached = null;
        }
        info.cached = cached;
        held.add(info);
        used += n;
    }

    /**
     * Drops the bytes of a version leaving the index; it is never cached again.
     *
     * @param info the version removed
     */
    synchronized void forget(EntryIndex.Info info) {
        info.removed = true;
        Cached c = info.cached;
        if (c != null) {
            info.cached = null;
            held.remove(info);
            used -= c.file().length;
        }
    }

    /** @return bytes held */
    synchronized long used() {
        return used;
    }

    /** @return the budget in bytes */
    long budget() {
        return budget;
    }
}
