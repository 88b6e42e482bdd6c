package dev.cairn.cache.disk;

import dev.cairn.spi.store.CleanResult;
import dev.cairn.spi.store.StoreFullException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The in-memory index of one view's complete entries, in least-recently-used order (head first), with the bytes they
 * use and the bytes reserved by writes in progress. Readers find entries only through it, so files being written are
 * invisible. All methods are atomic (synchronized); evicted files are deleted under the lock so the bytes counted
 * are never less than the bytes on disk.
 */
final class EntryIndex {
    /** What the index knows of one entry. */
    static final class Info {
        final long size;
        /** The entry file, resolved once (path building is a visible part of a small hit's cost). */
        final Path path;
        long lastAccessMillis;
        volatile long persistedAccessMillis;
        /** The entry's bytes when {@link SmallEntryCache} holds them; written under the cache's lock. */
        volatile SmallEntryCache.Cached cached;
        /** Set once this version left the index; guarded by the {@link SmallEntryCache}'s lock. */
        boolean removed;

        Info(long size, Path path, long lastAccessMillis) {
            this.size = size;
            this.path = path;
            this.lastAccessMillis = lastAccessMillis;
            this.persistedAccessMillis = lastAccessMillis;
        }
    }

    /** Maps a key to its entry file. */
    interface Paths {
        Path entry(String key);
    }

    private final String label;
    private final Paths paths;
    private final SmallEntryCache memory;
    /** In access order: {@link LinkedHashMap#get} moves an entry to the most recently used end. */
    private final LinkedHashMap<String, Info> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long used;
    private long reserved;
    private long maxSize;
    private long evictions;

    /**
     * @param label the view, for messages
     * @param paths where entries live
     * @param maxSize the budget, 0 for unlimited
     * @param memory the small-entry cache, told of every version leaving the index
     */
    EntryIndex(String label, Paths paths, long maxSize, SmallEntryCache memory) {
        this.label = requireNonNull(label, "label is null");
        this.paths = requireNonNull(paths, "paths is null");
        this.memory = requireNonNull(memory, "memory is null");
        this.maxSize = maxSize;
    }

    /**
     * Adds an entry found at start-up; call in ascending access order.
     *
     * @param key the key
     * @param size the entry file's length
     * @param lastAccessMillis its last access
     */
    synchronized void load(String key, long size, long lastAccessMillis) {
        Info old = entries.put(key, new Info(size, paths.entry(key), lastAccessMillis));
        if (old != null) {
            memory.forget(old);
            used -= old.size;
        }
        used += size;
    }

    /**
     * Marks an entry as just accessed, moving it to the most recently used end.
     *
     * @param key the key
     * @param nowMillis the access time
     * @return the entry, or null when absent
     */
    synchronized Info touch(String key, long nowMillis) {
        Info info = entries.get(key); // moves it to the most recently used end
        if (info == null) {
            return null;
        }
        info.lastAccessMillis = Math.max(info.lastAccessMillis, nowMillis);
        return info;
    }

    synchronized boolean contains(String key) {
        return entries.containsKey(key);
    }

    /**
     * Reserves room for an entry about to be written, evicting least recently used entries as needed.
     *
     * @param size the entry file's length
     * @throws StoreFullException when writes in progress hold the room and nothing is left to evict
     * @throws IOException when an evicted file cannot be deleted
     */
    synchronized void reserve(long size) throws IOException {
        if (maxSize > 0) {
            Iterator<Map.Entry<String, Info>> lru = entries.entrySet().iterator();
            while (used + reserved + size > maxSize) {
                if (!lru.hasNext()) {
                    throw new StoreFullException("no room for an entry of " + size + " bytes in " + label + ": "
                            + reserved + " bytes are reserved by writes in progress, budget " + maxSize);
                }
                Map.Entry<String, Info> victim = lru.next();
                Files.deleteIfExists(victim.getValue().path);
                lru.remove();
                memory.forget(victim.getValue());
                used -= victim.getValue().size;
                evictions++;
            }
        }
        reserved += size;
    }

    /**
     * Returns a reservation whose write failed.
     *
     * @param size the reserved bytes
     */
    synchronized void release(long size) {
        reserved -= size;
    }

    /** Moves a written file into place. */
    interface Commit {
        void run() throws IOException;
    }

    /**
     * Makes a written entry visible: runs the rename and turns the reservation into use, atomically with respect to
     * readers and evictions.
     *
     * @param key the key
     * @param size the reserved and written length
     * @param nowMillis the entry's access time
     * @param rename renames the temp file over the entry's path
     * @throws IOException when the rename fails (nothing changes; the caller still holds the reservation)
     */
    synchronized void commit(String key, long size, long nowMillis, Commit rename) throws IOException {
        rename.run();
        Info old = entries.remove(key);
        if (old != null) {
            memory.forget(old);
            used -= old.size;
        }
        entries.put(key, new Info(size, paths.entry(key), nowMillis));
        used += size;
        reserved -= size;
    }

    /**
     * @param key the key
     * @return whether an entry was removed
     * @throws IOException when its file cannot be deleted
     */
    synchronized boolean delete(String key) throws IOException {
        Info info = entries.get(key);
        if (info == null) {
            return false;
        }
        Files.deleteIfExists(info.path);
        entries.remove(key);
        memory.forget(info);
        used -= info.size;
        return true;
    }

    /**
     * Removes an entry only if the index still holds this very version of it.
     *
     * @param key the key
     * @param expected the version to remove
     * @return whether it was removed
     * @throws IOException when its file cannot be deleted
     */
    synchronized boolean deleteIf(String key, Info expected) throws IOException {
        if (entries.get(key) != expected) {
            return false;
        }
        return delete(key);
    }

    /**
     * Evicts entries not accessed since {@code cutoffMillis}, then least recently used ones down to {@code maxBytes}.
     *
     * @param maxBytes the size to shrink to
     * @param cutoffMillis entries last accessed before this go; {@code Long.MIN_VALUE} keeps all ages
     * @return what was removed
     * @throws IOException when a file cannot be deleted
     */
    synchronized CleanResult clean(long maxBytes, long cutoffMillis) throws IOException {
        long count = 0;
        long bytes = 0;
        Iterator<Map.Entry<String, Info>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Info> e = it.next();
            // Access order and access times agree except after a restart merged ties, so check every entry.
            boolean old = e.getValue().lastAccessMillis < cutoffMillis;
            if (old || used > maxBytes) {
                Files.deleteIfExists(e.getValue().path);
                it.remove();
                memory.forget(e.getValue());
                used -= e.getValue().size;
                count++;
                bytes += e.getValue().size;
                evictions++;
            }
        }
        return new CleanResult(count, bytes);
    }

    synchronized long used() {
        return used;
    }

    /** @return bytes used plus bytes reserved, read atomically */
    synchronized long usedAndReserved() {
        return used + reserved;
    }

    synchronized long reserved() {
        return reserved;
    }

    synchronized long entries() {
        return entries.size();
    }

    synchronized long maxSize() {
        return maxSize;
    }

    synchronized long evictions() {
        return evictions;
    }

    synchronized void setMaxSize(long maxSize) {
        this.maxSize = maxSize;
    }

    /** @return keys from least to most recently used (for tests and status) */
    synchronized List<String> lruOrder() {
        return new ArrayList<>(entries.keySet());
    }
}
