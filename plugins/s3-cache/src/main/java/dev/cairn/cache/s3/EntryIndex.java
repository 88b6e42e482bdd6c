package dev.cairn.cache.s3;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The in-memory picture of one view's entries: sizes, object names and last access, in least recently used order.
 * Seeded by one listing at start and kept current by this process's puts, reads and deletes; entries other
 * processes write join it when this process first reads them. The size estimate drives eviction, so the bucket is
 * never listed again.
 */
final class EntryIndex {
    /**
     * @param size bytes of the entry's blobs
     * @param objects every object name of the entry, marker included
     * @param lastAccess last read or write seen by this process
     * @param persistedAccess the access time last written to the bucket (the marker's LastModified)
     */
    record Entry(long size, List<String> objects, Instant lastAccess, Instant persistedAccess) {
        Entry {
            objects = List.copyOf(objects);
        }
    }

    /**
     * An entry chosen for eviction.
     *
     * @param key the entry's key
     * @param entry what the index knew of it
     */
    record Victim(String key, Entry entry) {
    }

    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;
    private long reserved;

    /**
     * Adds or replaces an entry, making it the most recently used.
     *
     * @return the entry it replaced
     */
    synchronized Optional<Entry> add(String key, Entry entry) {
        Objects.requireNonNull(entry, "entry is null");
        Entry old = entries.remove(key);
        if (old != null) {
            bytes -= old.size;
        }
        entries.put(key, entry);
        bytes += entry.size;
        return Optional.ofNullable(old);
    }

    /** Adds an entry only when absent, without changing the order of existing ones. */
    synchronized void addIfAbsent(String key, Entry entry) {
        if (!entries.containsKey(key)) {
            entries.put(key, entry);
            bytes += entry.size;
        }
    }

    /**
     * Records a read.
     *
     * @param key the entry
     * @param now the time of the read
     * @param persistEvery how old the persisted access may get before it is written again
     * @return true when the caller should persist the access time now (at most once per {@code persistEvery})
     */
    synchronized boolean access(String key, Instant now, Duration persistEvery) {
        Entry e = entries.get(key);
        if (e == null) {
            return false;
        }
        boolean persist = Duration.between(e.persistedAccess, now).compareTo(persistEvery) >= 0;
        entries.put(key, new Entry(e.size, e.objects, now, persist ? now : e.persistedAccess));
        return persist;
    }

    /**
     * @param key the entry
     * @param name a blob name
     * @return the object holding that blob when the index knows exactly one (then a read needs no marker)
     */
    synchronized Optional<String> objectFor(String key, String name) {
        Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        String found = null;
        for (String o : e.objects) {
            if (o.endsWith("/" + name)) {
                if (found != null) {
                    return Optional.empty(); // several generations (leftovers): let the marker decide
                }
                found = o;
            }
        }
        return Optional.ofNullable(found);
    }

    synchronized boolean contains(String key) {
        return entries.containsKey(key);
    }

    synchronized Optional<Entry> remove(String key) {
        Entry old = entries.remove(key);
        if (old != null) {
            bytes -= old.size;
        }
        return Optional.ofNullable(old);
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long count() {
        return entries.size();
    }

    /** @return bytes held plus bytes reserved by puts in progress */
    synchronized long committedAndReserved() {
        return bytes + reserved;
    }

    synchronized void reserve(long size) {
        reserved += size;
    }

    synchronized void release(long size) {
        reserved -= size;
    }

    /**
     * Picks entries to evict, least recently used first (ties keep insertion order, which the seeding sorted by
     * time then key): every entry last accessed before {@code cutoff}, then more until bytes held plus reserved
     * is at most {@code limit}.
     *
     * @param limit the size to get under
     * @param cutoff entries accessed before this go regardless; null for none
     * @return the victims, still in the index
     */
    synchronized List<Victim> victims(long limit, Instant cutoff) {
        List<Victim> out = new ArrayList<>();
        long remaining = bytes + reserved;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            boolean old = cutoff != null && e.getValue().lastAccess.isBefore(cutoff);
            if (remaining <= limit && !old) {
                if (cutoff == null) {
                    break;
                }
                continue;
            }
            out.add(new Victim(e.getKey(), e.getValue()));
            remaining -= e.getValue().size;
        }
        return out;
    }
}
