package dev.cairn.tier;

import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.CleanResult;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreStats;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Several stores stacked into one, fastest first. PLACEHOLDER: delegates to the first tier until tiering lands.
 */
public final class TieredStore implements Store {
    private final List<Store> tiers;

    /** @param tiers the stores, fastest first; at least one */
    public TieredStore(List<Store> tiers) {
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("at least one tier");
        }
        this.tiers = List.copyOf(tiers);
    }

    private Store first() {
        return tiers.get(0);
    }

    @Override public Optional<Blob> get(String key, String name) throws IOException { return first().get(key, name); }
    @Override public void put(String key, Map<String, BlobSource> blobs) throws IOException { first().put(key, blobs); }
    @Override public boolean has(String key) throws IOException { return first().has(key); }
    @Override public boolean delete(String key) throws IOException { return first().delete(key); }
    @Override public StoreStats stats() throws IOException { return first().stats(); }
    @Override public CleanResult clean(long maxSize, Duration maxAge) throws IOException { return first().clean(maxSize, maxAge); }
    @Override public Optional<Path> dir() { return first().dir(); }
    @Override public Store namespace(String name) { return first().namespace(name); }
    @Override public String describe() { return "tiered" + tiers.stream().map(Store::describe).toList(); }
    @Override public void close() throws IOException { for (Store s : tiers) { s.close(); } }
}
