package dev.cairn.testkit;

import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.BlobTooLargeException;
import dev.cairn.spi.store.CleanResult;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFullException;
import dev.cairn.spi.store.StoreStats;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Store} in memory, for tests of code that uses stores (servers, tiers). Counts reads so tests can assert
 * how often a blob was fetched. Thread-safe; namespaces are separate maps with their own budget.
 */
public final class InMemoryStore implements Store {
    private record Entry(Map<String, byte[]> blobs, long size, Instant lastAccess) {
    }

    private final String label;
    private final Clock clock;
    private final Map<String, InMemoryStore> namespaces;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final AtomicLong gets = new AtomicLong();
    private final AtomicLong puts = new AtomicLong();
    private volatile long maxSize;

    /**
     * @param maxSize budget in bytes, 0 for unlimited
     */
    public InMemoryStore(long maxSize) {
        this("memory", maxSize, Clock.systemUTC(), new ConcurrentHashMap<>());
    }

    /**
     * @param maxSize budget in bytes, 0 for unlimited
     * @param clock the clock for access times
     */
    public InMemoryStore(long maxSize, Clock clock) {
        this("memory", maxSize, clock, new ConcurrentHashMap<>());
    }

    private InMemoryStore(String label, long maxSize, Clock clock, Map<String, InMemoryStore> namespaces) {
        this.label = label;
        this.maxSize = maxSize;
        this.clock = clock;
        this.namespaces = namespaces;
    }

    /** @return number of {@link #get} calls that found a blob */
    public long hits() {
        return gets.get();
    }

    /** @return number of completed {@link #put} calls */
    public long puts() {
        return puts.get();
    }

    @Override
    public Optional<Blob> get(String key, String name) {
        Store.checkKey(key);
        Store.checkName(name);
        byte[] bytes;
        synchronized (this) {
            Entry e = entries.get(key);
            if (e == null || !e.blobs.containsKey(name)) {
                return Optional.empty();
            }
            entries.remove(key);
            entries.put(key, new Entry(e.blobs, e.size, clock.instant()));
            bytes = e.blobs.get(name);
        }
        gets.incrementAndGet();
        return Optional.of(new Blob() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public InputStream stream() {
                return new ByteArrayInputStream(bytes);
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public void put(String key, Map<String, BlobSource> blobs) throws IOException {
        Store.checkKey(key);
        if (blobs.isEmpty()) {
            throw new IllegalArgumentException("an entry needs at least one blob");
        }
        Map<String, byte[]> copy = new HashMap<>();
        long size = 0;
        for (Map.Entry<String, BlobSource> b : blobs.entrySet()) {
            Store.checkName(b.getKey());
            if (maxSize > 0 && b.getValue().size() > maxSize) {
                throw new BlobTooLargeException("blob of " + b.getValue().size() + " bytes exceeds " + maxSize);
            }
            try (InputStream in = dev.cairn.spi.store.ExactLengthInputStream.open(b.getValue(),
                    "blob '" + b.getKey() + "'")) {
                byte[] bytes = in.readAllBytes();
                copy.put(b.getKey(), bytes);
                size += bytes.length;
            }
        }
        synchronized (this) {
            // A failed replace keeps the old entry: take it out only while making room, put it back on failure.
            Entry previous = entries.remove(key);
            evictUntil(maxSize == 0 ? Long.MAX_VALUE : maxSize - size);
            if (maxSize > 0 && used() + size > maxSize) {
                if (previous != null) {
                    entries.put(key, previous);
                }
                throw new StoreFullException("no room for " + size + " bytes");
            }
            entries.put(key, new Entry(Map.copyOf(copy), size, clock.instant()));
        }
        puts.incrementAndGet();
    }

    @Override
    public synchronized boolean has(String key) {
        return entries.containsKey(Store.checkKey(key));
    }

    @Override
    public synchronized boolean delete(String key) {
        return entries.remove(Store.checkKey(key)) != null;
    }

    @Override
    public synchronized StoreStats stats() {
        return new StoreStats(used(), entries.size(), maxSize);
    }

    @Override
    public synchronized CleanResult clean(long maxSize, Duration maxAge) {
        long before = used();
        int count = entries.size();
        if (maxAge != null) {
            Instant cutoff = clock.instant().minus(maxAge);
            entries.values().removeIf(e -> e.lastAccess.isBefore(cutoff));
        }
        evictUntil(maxSize);
        return new CleanResult(count - entries.size(), before - used());
    }

    private void evictUntil(long limit) {
        List<Map.Entry<String, Entry>> byAge = new ArrayList<>(entries.entrySet());
        byAge.sort(Comparator.comparing(e -> e.getValue().lastAccess));
        for (Map.Entry<String, Entry> e : byAge) {
            if (used() <= limit) {
                return;
            }
            entries.remove(e.getKey());
        }
    }

    private long used() {
        return entries.values().stream().mapToLong(Entry::size).sum();
    }

    @Override
    public Optional<Path> dir() {
        return Optional.empty();
    }

    @Override
    public Store namespace(String name) {
        Store.checkNamespace(name);
        return namespaces.computeIfAbsent(name, n -> new InMemoryStore(label + "/" + n, 0, clock, namespaces));
    }

    @Override
    public boolean setMaxSize(long maxSize) {
        this.maxSize = maxSize;
        return true;
    }

    @Override
    public String describe() {
        return label;
    }

    @Override
    public void close() {
    }
}
