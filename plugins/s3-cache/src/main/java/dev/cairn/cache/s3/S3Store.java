package dev.cairn.cache.s3;

import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.BlobTooLargeException;
import dev.cairn.spi.store.CleanResult;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFullException;
import dev.cairn.spi.store.StoreStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link Store} in an S3 bucket; one instance per view (the root, or a namespace) over a shared
 * {@link S3Backend}. An entry's blobs are written under a fresh generation, then its marker names that generation:
 * the marker is the commit, so readers (who go through the marker) see whole entries only, and a replacement
 * switches with one atomic PUT. See {@link Layout} for the object names.
 */
final class S3Store implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(S3Store.class);
    /** A reader that finds the generation gone (replaced meanwhile) re-reads the marker this many times. */
    private static final int READ_ATTEMPTS = 3;

    private final S3Backend backend;
    private final String view;
    private final EntryIndex index;
    private final boolean root;
    private final Map<String, S3Store> namespaces;
    private volatile long maxSize;

    /** The root view. */
    S3Store(S3Backend backend) {
        this(backend, Layout.ROOT_VIEW, backend.options().maxSize().bytes(), true, new ConcurrentHashMap<>());
    }

    private S3Store(S3Backend backend, String view, long maxSize, boolean root, Map<String, S3Store> namespaces) {
        this.backend = Objects.requireNonNull(backend, "backend is null");
        this.view = view;
        this.index = backend.index(view);
        this.maxSize = maxSize;
        this.root = root;
        this.namespaces = namespaces;
    }

    S3Backend backend() {
        return backend;
    }

    @Override
    public Optional<Blob> get(String key, String name) throws IOException {
        Store.checkKey(key);
        Store.checkName(name);
        backend.ensureReady();
        String markerKey = backend.layout().marker(view, key);
        Optional<String> known = index.objectFor(key, name);
        if (known.isPresent()) {
            // One request instead of two: the index knows the committed generation. If another process replaced
            // or removed the entry, that generation is gone (404) and the marker decides below.
            Optional<ResponseInputStream<GetObjectResponse>> in = backend.open(known.get(), 0, what(key, name));
            if (in.isPresent()) {
                if (index.access(key, backend.now(), backend.persistAccessEvery())) {
                    backend.persistAccess(markerKey);
                }
                return Optional.of(new S3Blob(in.get().response().contentLength(), in.get()));
            }
        }
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            Optional<Manifest> manifest = manifest(key, markerKey);
            if (manifest.isEmpty()) {
                return Optional.empty();
            }
            Long size = manifest.get().sizes().get(name);
            if (size == null) {
                return Optional.empty();
            }
            if (manifest.get().isInline()) {
                noteAccess(key, markerKey, manifest.get());
                return Optional.of(new BytesBlob(manifest.get().inline().get(name)));
            }
            Optional<ResponseInputStream<GetObjectResponse>> in = backend.open(
                    backend.layout().blob(view, key, manifest.get().generation(), name), size, what(key, name));
            if (in.isPresent()) {
                noteAccess(key, markerKey, manifest.get());
                return Optional.of(new S3Blob(size, in.get()));
            }
        }
        // Replaced faster than we could read: treat as a miss rather than fail the caller.
        return Optional.empty();
    }

    private Optional<Manifest> manifest(String key, String markerKey) throws IOException {
        Optional<byte[]> bytes = backend.getSmall(markerKey, "the marker of " + key);
        if (bytes.isEmpty()) {
            index.remove(key); // deleted by another process
            return Optional.empty();
        }
        return Optional.of(Manifest.decode(bytes.get(), markerKey));
    }

    private void noteAccess(String key, String markerKey, Manifest manifest) {
        Instant now = backend.now();
        if (!index.contains(key)) {
            // Written by another process after our listing: start tracking it.
            index.addIfAbsent(key, new EntryIndex.Entry(manifest.totalSize(), objects(key, manifest), now, now));
            return;
        }
        if (index.access(key, now, backend.persistAccessEvery())) {
            backend.persistAccess(markerKey);
        }
    }

    private List<String> objects(String key, Manifest manifest) {
        List<String> objects = new ArrayList<>();
        if (!manifest.isInline()) {
            for (String name : new TreeMap<>(manifest.sizes()).keySet()) {
                objects.add(backend.layout().blob(view, key, manifest.generation(), name));
            }
        }
        objects.add(backend.layout().marker(view, key));
        return objects;
    }

    @Override
    public void put(String key, Map<String, BlobSource> blobs) throws IOException {
        Store.checkKey(key);
        Objects.requireNonNull(blobs, "blobs is null");
        if (blobs.isEmpty()) {
            throw new IllegalArgumentException("an entry needs at least one blob");
        }
        long limit = maxSize;
        long maxBlob = backend.options().maxBlobBytes().bytes();
        long total = 0;
        Map<String, Long> sizes = new TreeMap<>();
        for (Map.Entry<String, BlobSource> b : blobs.entrySet()) {
            Store.checkName(b.getKey());
            long size = b.getValue().size();
            if (maxBlob > 0 && size > maxBlob) {
                throw new BlobTooLargeException("blob '" + b.getKey() + "' of " + size
                        + " bytes exceeds maxBlobBytes " + maxBlob + " of " + describe());
            }
            if (limit > 0 && size > limit) {
                throw new BlobTooLargeException("blob '" + b.getKey() + "' of " + size
                        + " bytes exceeds the cache size " + limit + " of " + describe());
            }
            sizes.put(b.getKey(), size);
            total += size;
        }
        if (limit > 0 && total > limit) {
            throw new StoreFullException("entry " + key + " of " + total + " bytes does not fit in the cache size "
                    + limit + " of " + describe());
        }
        backend.ensureReady();
        long entrySize = total;
        backend.exclusive(view, key, () -> write(key, blobs, sizes, entrySize, limit));
    }

    private void write(String key, Map<String, BlobSource> blobs, Map<String, Long> sizes, long total, long limit)
            throws IOException {
        backend.reserve(index, total, limit);
        List<String> written = new ArrayList<>();
        boolean committed = false;
        try {
            Manifest manifest;
            if (total <= Manifest.INLINE_LIMIT) {
                // Small entry: its blobs ride in the marker, one PUT (and one GET to read it).
                Map<String, byte[]> inline = new TreeMap<>();
                for (Map.Entry<String, Long> b : sizes.entrySet()) {
                    try (InputStream in = new dev.cairn.spi.store.ExactLengthInputStream(blobs.get(b.getKey()).open(),
                            b.getValue(), what(key, b.getKey()), e -> { })) {
                        inline.put(b.getKey(), in.readAllBytes());
                    }
                }
                manifest = new Manifest(generation(), sizes, inline);
            } else {
                manifest = new Manifest(generation(), sizes);
                for (Map.Entry<String, Long> b : sizes.entrySet()) {
                    String objectKey = backend.layout().blob(view, key, manifest.generation(), b.getKey());
                    BlobSource source = blobs.get(b.getKey());
                    written.add(objectKey);
                    backend.upload(objectKey, () -> what(key, b.getKey()), b.getValue(), source::open);
                }
            }
            String markerKey = backend.layout().marker(view, key);
            backend.putSmall(markerKey, manifest.encode(), "the marker of " + key);
            committed = true;
            Instant now = backend.now();
            Optional<EntryIndex.Entry> old = index.add(key, new EntryIndex.Entry(total, objects(key, manifest),
                    now, now));
            if (old.isPresent()) {
                Set<String> keep = new HashSet<>(objects(key, manifest));
                List<String> stale = old.get().objects().stream().filter(o -> !keep.contains(o)).toList();
                try {
                    backend.deleteObjects(stale);
                } catch (IOException e) {
                    // The new entry is committed; the old generation is unreachable garbage, not a failed put.
                    LOG.warn("could not delete the replaced generation of {} in {}: {}", key, describe(),
                            e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!committed && !written.isEmpty()) {
                try {
                    backend.deleteObjects(written);
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup); // leftovers are removed by the next start's seeding
                }
            }
            throw e;
        } finally {
            index.release(total);
        }
    }

    private static String generation() {
        return Long.toHexString(System.currentTimeMillis()) + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    private String what(String key, String name) {
        return "blob " + key + "/" + name;
    }

    @Override
    public boolean has(String key) throws IOException {
        Store.checkKey(key);
        backend.ensureReady();
        return backend.exists(backend.layout().marker(view, key), "entry " + key);
    }

    @Override
    public boolean delete(String key) throws IOException {
        Store.checkKey(key);
        backend.ensureReady();
        String markerKey = backend.layout().marker(view, key);
        Optional<byte[]> bytes = backend.getSmall(markerKey, "the marker of " + key);
        Optional<EntryIndex.Entry> known = index.remove(key);
        if (bytes.isEmpty()) {
            return false;
        }
        Manifest manifest = Manifest.decode(bytes.get(), markerKey);
        backend.deleteObjects(List.of(markerKey));
        Set<String> rest = new HashSet<>(objects(key, manifest));
        known.ifPresent(e -> rest.addAll(e.objects()));
        rest.remove(markerKey);
        backend.deleteObjects(rest.stream().sorted().toList());
        return true;
    }

    @Override
    public StoreStats stats() throws IOException {
        backend.ensureReady();
        return new StoreStats(Math.max(0, index.bytes()), index.count(), maxSize);
    }

    @Override
    public CleanResult clean(long maxSize, Duration maxAge) throws IOException {
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must not be negative: " + maxSize);
        }
        backend.ensureReady();
        Instant cutoff = maxAge == null ? null : backend.now().minus(maxAge);
        long[] removed = backend.evict(index, maxSize, cutoff);
        return new CleanResult(removed[0], removed[1]);
    }

    @Override
    public Optional<Path> dir() {
        return Optional.empty();
    }

    @Override
    public Store namespace(String name) {
        Store.checkNamespace(name);
        return namespaces.computeIfAbsent(name, n -> new S3Store(backend, n, 0, false, namespaces));
    }

    @Override
    public boolean setMaxSize(long maxSize) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must not be negative: " + maxSize);
        }
        this.maxSize = maxSize;
        return true;
    }

    @Override
    public String describe() {
        return "s3:" + backend.where() + (root ? "" : " namespace " + view);
    }

    @Override
    public void close() {
        if (root) {
            backend.close();
        }
    }

    /** An inline blob, already read with its marker. */
    private record BytesBlob(byte[] bytes) implements Blob {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream stream() {
            return new java.io.ByteArrayInputStream(bytes);
        }

        @Override
        public void close() {
        }
    }

    /** An open GET; the object's content stays readable until closed even if the entry is evicted meanwhile. */
    private static final class S3Blob implements Blob {
        private final long size;
        private final ResponseInputStream<GetObjectResponse> in;
        private boolean opened;

        S3Blob(long size, ResponseInputStream<GetObjectResponse> in) {
            this.size = size;
            this.in = in;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public synchronized InputStream stream() {
            if (opened) {
                throw new IllegalStateException("stream() may be called once");
            }
            opened = true;
            return in;
        }

        @Override
        public void close() throws IOException {
            // Large objects: abort rather than drain the rest of the object to reuse the connection.
            if (size > (1 << 20)) {
                in.abort();
            }
            in.close();
        }
    }
}
