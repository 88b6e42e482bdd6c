package dev.cairn.cache.s3;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

import java.io.ByteArrayInputStream;
import dev.cairn.spi.store.ExactLengthInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What all views of one S3 store share: the client, the bucket, the per-view indexes, the table of puts in progress
 * (so concurrent puts of one key through any view write once) and the eviction lock (one eviction at a time per
 * process).
 */
final class S3Backend implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3Backend.class);
    /** S3 deletes at most this many keys per request. */
    static final int DELETE_BATCH = 1000;
    /** Objects of entries without a marker older than this are leftovers of crashed puts, not puts in progress. */
    static final Duration ORPHAN_AGE = Duration.ofHours(1);

    private final S3Client client;
    private final S3Options options;
    private final Layout layout;
    private final Clock clock;
    private final Duration persistAccessEvery;
    private final String where;
    private final Map<String, EntryIndex> indexes = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> inflight = new ConcurrentHashMap<>();
    private final ReentrantLock evictionLock = new ReentrantLock();
    private final ThreadPoolExecutor background;
    private final Object initLock = new Object();
    private volatile boolean ready;
    final AtomicLong multipartUploads = new AtomicLong();
    final AtomicLong partsUploaded = new AtomicLong();
    final AtomicLong deleteRequests = new AtomicLong();
    final AtomicLong accessWrites = new AtomicLong();
    final AtomicLong getRequests = new AtomicLong();

    S3Backend(S3Client client, S3Options options, Clock clock, Duration persistAccessEvery) {
        this.client = Objects.requireNonNull(client, "client is null");
        this.options = Objects.requireNonNull(options, "options is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.persistAccessEvery = Objects.requireNonNull(persistAccessEvery, "persistAccessEvery is null");
        this.layout = new Layout(options.prefix());
        this.where = "s3://" + options.bucket() + "/" + options.prefix()
                + (options.endpoint() == null ? "" : " at " + options.endpoint());
        // Access-time writes are best effort: a bounded queue, dropped when full.
        this.background = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1024),
                r -> {
                    Thread t = new Thread(r, "cairn-s3-access");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.DiscardPolicy());
    }

    S3Options options() {
        return options;
    }

    Layout layout() {
        return layout;
    }

    Clock clock() {
        return clock;
    }

    String where() {
        return where;
    }

    EntryIndex index(String view) {
        return indexes.computeIfAbsent(view, v -> new EntryIndex());
    }

    /**
     * Checks the bucket (creating it when allowed) and seeds the indexes with one listing. Configuration problems
     * (bad credentials, missing bucket) throw {@link ConfigurationException}; an unreachable S3 throws
     * {@link StoreUnavailableException} and is retried by the next call.
     */
    void init() throws IOException {
        synchronized (initLock) {
            if (ready) {
                return;
            }
            checkBucket();
            seed();
            ready = true;
        }
    }

    /** @return whether the bucket has been checked and listed */
    boolean ready() {
        return ready;
    }

    void ensureReady() throws IOException {
        if (!ready) {
            init();
        }
    }

    private void checkBucket() throws IOException {
        try {
            client.headBucket(b -> b.bucket(options.bucket()));
            return;
        } catch (NoSuchBucketException e) {
            // handled below
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                throw new ConfigurationException("accessKey", "S3 refused the credentials for bucket '"
                        + options.bucket() + "' at " + endpointName() + " (HTTP 403); check accessKey/secretKey", e);
            }
            if (e.statusCode() != 404) {
                throw S3Errors.map(e, "checking the bucket", where);
            }
        } catch (SdkException e) {
            throw S3Errors.map(e, "checking the bucket", where);
        }
        if (!options.autoCreate()) {
            throw new ConfigurationException("bucket", "bucket '" + options.bucket() + "' does not exist at "
                    + endpointName() + "; create it or set autoCreate: true");
        }
        try {
            client.createBucket(b -> b.bucket(options.bucket()));
            LOG.info("created bucket {} at {}", options.bucket(), endpointName());
        } catch (S3Exception e) {
            if (e.statusCode() == 403) {
                throw new ConfigurationException("accessKey", "S3 refused to create bucket '" + options.bucket()
                        + "' at " + endpointName() + " (HTTP 403); check the credentials' permissions", e);
            }
            if (e.statusCode() != 409) { // 409: another process created it first
                throw S3Errors.map(e, "creating the bucket", where);
            }
        } catch (SdkException e) {
            throw S3Errors.map(e, "creating the bucket", where);
        }
    }

    private String endpointName() {
        return options.endpoint() == null ? "AWS region " + options.region() : options.endpoint();
    }

    /** One listing of the prefix: entries with a marker join their view's index, oldest access first. */
    private void seed() throws IOException {
        record Found(List<String> objects, long[] size, Instant[] marker, Instant[] newest) {
        }
        Map<String, Map<String, Found>> byView = new HashMap<>();
        try {
            for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(options.bucket()).prefix(layout.prefix()))
                    .contents()) {
                Optional<Layout.Parsed> parsed = layout.parse(o.key());
                if (parsed.isEmpty()) {
                    continue;
                }
                Layout.Parsed p = parsed.get();
                Found f = byView.computeIfAbsent(p.view(), v -> new HashMap<>()).computeIfAbsent(p.key(),
                        k -> new Found(new ArrayList<>(), new long[1], new Instant[1], new Instant[]{Instant.MIN}));
                f.objects.add(o.key());
                if (p.marker()) {
                    f.marker[0] = o.lastModified();
                }
                f.size[0] += o.size(); // the marker too: small entries carry their blobs in it
                if (o.lastModified().isAfter(f.newest[0])) {
                    f.newest[0] = o.lastModified();
                }
            }
        } catch (SdkException e) {
            throw S3Errors.map(e, "listing the cache", where);
        }
        Instant orphanCutoff = clock.instant().minus(ORPHAN_AGE);
        List<String> orphans = new ArrayList<>();
        long entries = 0;
        for (Map.Entry<String, Map<String, Found>> view : byView.entrySet()) {
            List<Map.Entry<String, Found>> complete = new ArrayList<>();
            for (Map.Entry<String, Found> e : view.getValue().entrySet()) {
                if (e.getValue().marker[0] != null) {
                    complete.add(e);
                } else if (e.getValue().newest[0].isBefore(orphanCutoff)) {
                    orphans.addAll(e.getValue().objects);
                }
            }
            complete.sort(Comparator.<Map.Entry<String, Found>, Instant>comparing(e -> e.getValue().marker[0])
                    .thenComparing(Map.Entry::getKey));
            EntryIndex index = index(view.getKey());
            for (Map.Entry<String, Found> e : complete) {
                Found f = e.getValue();
                index.addIfAbsent(e.getKey(), new EntryIndex.Entry(f.size[0], f.objects, f.marker[0], f.marker[0]));
            }
            entries += complete.size();
        }
        if (!orphans.isEmpty()) {
            LOG.info("removing {} objects of incomplete entries older than {} in {}", orphans.size(), ORPHAN_AGE,
                    where);
            deleteObjects(orphans);
        }
        LOG.info("{}: {} entries found", where, entries);
    }

    /**
     * Runs {@code action} as the only writer of {@code view/key} in this process; a concurrent caller waits for
     * the running one and returns without writing again (or writes itself when that one failed).
     */
    void exclusive(String view, String key, IoAction action) throws IOException {
        String id = view + "/" + key;
        while (true) {
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> running = inflight.putIfAbsent(id, mine);
            if (running == null) {
                try {
                    action.run();
                    mine.complete(null);
                    return;
                } catch (IOException | RuntimeException | Error e) {
                    mine.completeExceptionally(e);
                    throw e;
                } finally {
                    inflight.remove(id, mine);
                }
            }
            try {
                running.join();
                return;
            } catch (RuntimeException e) {
                // The other put failed: try ourselves.
            }
        }
    }

    /** An I/O step. */
    interface IoAction {
        void run() throws IOException;
    }

    /**
     * Makes room for {@code size} bytes in a view with budget {@code maxSize} and reserves them; one eviction at a
     * time per process.
     */
    void reserve(EntryIndex index, long size, long maxSize) throws IOException {
        if (maxSize > 0 && index.committedAndReserved() + size > maxSize) {
            evict(index, maxSize - size, null);
        }
        index.reserve(size);
    }

    /**
     * Evicts whole entries of one view until it holds at most {@code limit} bytes, and every entry accessed before
     * {@code cutoff}; markers go first (the entries vanish at once), then their blobs, in batches of at most
     * {@value #DELETE_BATCH} keys.
     *
     * @return entries and bytes removed
     */
    long[] evict(EntryIndex index, long limit, Instant cutoff) throws IOException {
        evictionLock.lock();
        try {
            List<EntryIndex.Victim> victims = index.victims(Math.max(0, limit), cutoff);
            if (victims.isEmpty()) {
                return new long[2];
            }
            List<String> markers = new ArrayList<>();
            List<String> blobs = new ArrayList<>();
            long bytes = 0;
            for (EntryIndex.Victim v : victims) {
                for (String o : v.entry().objects()) {
                    (o.endsWith("/" + Layout.MARKER) ? markers : blobs).add(o);
                }
                bytes += v.entry().size();
            }
            deleteObjects(markers);
            for (EntryIndex.Victim v : victims) {
                index.remove(v.key());
            }
            deleteObjects(blobs);
            LOG.debug("evicted {} entries ({} bytes) from {}", victims.size(), bytes, where);
            return new long[]{victims.size(), bytes};
        } finally {
            evictionLock.unlock();
        }
    }

    void deleteObjects(List<String> keys) throws IOException {
        for (int i = 0; i < keys.size(); i += DELETE_BATCH) {
            List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + DELETE_BATCH)).stream()
                    .map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            DeleteObjectsResponse r;
            try {
                r = client.deleteObjects(b -> b.bucket(options.bucket())
                        .delete(d -> d.objects(batch).quiet(true))
                        .overrideConfiguration(timeout(0)));
            } catch (SdkException e) {
                throw S3Errors.map(e, "deleting " + batch.size() + " objects", where);
            }
            deleteRequests.incrementAndGet();
            if (r.hasErrors() && !r.errors().isEmpty()) {
                throw new IOException("deleting objects in " + where + " failed for " + r.errors().size()
                        + " keys, first " + r.errors().get(0).key() + ": " + r.errors().get(0).code());
            }
        }
    }

    Consumer<AwsRequestOverrideConfiguration.Builder> timeout(long size) {
        Duration t = options.timeoutFor(size);
        return o -> o.apiCallTimeout(t.multipliedBy(3)).apiCallAttemptTimeout(t);
    }

    /** Uploads one blob: a single PUT up to the part size, a streamed multipart upload above it. */
    void upload(String objectKey, Supplier<String> what, long size, InputStreamOpener source) throws IOException {
        AtomicReference<IOException> sourceFailure = new AtomicReference<>();
        try {
            if (size <= options.partSize().bytes()) {
                client.putObject(b -> b.bucket(options.bucket()).key(objectKey).contentLength(size)
                                .overrideConfiguration(timeout(size)),
                        RequestBody.fromContentProvider(() -> {
                            try {
                                return new ExactLengthInputStream(source.open(), size, what.get(),
                                        e -> sourceFailure.compareAndSet(null, e));
                            } catch (IOException e) {
                                sourceFailure.compareAndSet(null, e);
                                throw new UncheckedIOException(e);
                            }
                        }, size, "application/octet-stream"));
            } else {
                uploadMultipart(objectKey, what, size, source, sourceFailure);
            }
        } catch (SdkException | UncheckedIOException e) {
            if (sourceFailure.get() != null) {
                throw sourceFailure.get();
            }
            if (e instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw S3Errors.map((SdkException) e, "uploading " + what.get(), where);
        }
    }

    private void uploadMultipart(String objectKey, Supplier<String> what, long size, InputStreamOpener source,
                                 AtomicReference<IOException> sourceFailure) throws IOException {
        int partSize = (int) Math.min(Integer.MAX_VALUE - 16, options.partSize().bytes());
        CreateMultipartUploadResponse created = client.createMultipartUpload(b -> b.bucket(options.bucket())
                .key(objectKey).overrideConfiguration(timeout(0)));
        String uploadId = created.uploadId();
        boolean done = false;
        try (InputStream in = new ExactLengthInputStream(source.open(), size, what.get(),
                e -> sourceFailure.compareAndSet(null, e))) {
            byte[] buf = new byte[(int) Math.min(partSize, size)];
            List<CompletedPart> parts = new ArrayList<>();
            long sent = 0;
            for (int partNumber = 1; sent < size; partNumber++) {
                int n = (int) Math.min(buf.length, size - sent);
                int filled = in.readNBytes(buf, 0, n);
                if (filled < n) {
                    throw new IOException(what.get() + " ended after " + (sent + filled) + " of " + size + " bytes");
                }
                int part = partNumber;
                UploadPartResponse r = client.uploadPart(b -> b.bucket(options.bucket()).key(objectKey)
                                .uploadId(uploadId).partNumber(part).contentLength((long) n)
                                .overrideConfiguration(timeout(n)),
                        RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buf, 0, n), n,
                                "application/octet-stream"));
                parts.add(CompletedPart.builder().partNumber(part).eTag(r.eTag()).build());
                partsUploaded.incrementAndGet();
                sent += n;
            }
            client.completeMultipartUpload(b -> b.bucket(options.bucket()).key(objectKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)).overrideConfiguration(timeout(0)));
            multipartUploads.incrementAndGet();
            done = true;
        } finally {
            if (!done) {
                try {
                    client.abortMultipartUpload(b -> b.bucket(options.bucket()).key(objectKey).uploadId(uploadId));
                } catch (SdkException e) {
                    LOG.warn("could not abort multipart upload {} of {} in {}: {}", uploadId, objectKey, where,
                            e.getMessage());
                }
            }
        }
    }

    /** Opens a blob's source. */
    interface InputStreamOpener {
        InputStream open() throws IOException;
    }

    void putSmall(String objectKey, byte[] bytes, String what) throws IOException {
        try {
            client.putObject(b -> b.bucket(options.bucket()).key(objectKey).contentLength((long) bytes.length)
                    .overrideConfiguration(timeout(bytes.length)), RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw S3Errors.map(e, "writing " + what, where);
        }
    }

    /** @return the object's bytes, or empty when it does not exist */
    Optional<byte[]> getSmall(String objectKey, String what) throws IOException {
        getRequests.incrementAndGet();
        try {
            return Optional.of(client.getObject(b -> b.bucket(options.bucket()).key(objectKey)
                    .overrideConfiguration(timeout(0)), ResponseTransformer.toBytes()).asByteArray());
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e)) {
                return Optional.empty();
            }
            throw S3Errors.map(e, "reading " + what, where);
        }
    }

    /** @return the open object, or empty when it does not exist */
    Optional<ResponseInputStream<GetObjectResponse>> open(String objectKey, long size, String what)
            throws IOException {
        getRequests.incrementAndGet();
        try {
            return Optional.of(client.getObject(b -> b.bucket(options.bucket()).key(objectKey)
                    .overrideConfiguration(timeout(size))));
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e)) {
                return Optional.empty();
            }
            throw S3Errors.map(e, "reading " + what, where);
        }
    }

    boolean exists(String objectKey, String what) throws IOException {
        try {
            client.headObject(b -> b.bucket(options.bucket()).key(objectKey).overrideConfiguration(timeout(0)));
            return true;
        } catch (SdkException e) {
            if (S3Errors.isNotFound(e)) {
                return false;
            }
            throw S3Errors.map(e, "checking " + what, where);
        }
    }

    /**
     * Writes an entry's access time into the bucket (a copy of its marker onto itself, which renews LastModified),
     * in the background, so the next process's seeding keeps the LRU order. Best effort.
     */
    void persistAccess(String markerKey) {
        background.execute(() -> {
            try {
                client.copyObject(b -> b.sourceBucket(options.bucket()).sourceKey(markerKey)
                        .destinationBucket(options.bucket()).destinationKey(markerKey)
                        .metadataDirective(MetadataDirective.REPLACE)
                        .metadata(Map.of("cairn-access", Long.toString(clock.millis())))
                        .overrideConfiguration(timeout(0)));
                accessWrites.incrementAndGet();
            } catch (SdkException e) {
                LOG.debug("could not record access of {} in {}: {}", markerKey, where, e.getMessage());
            }
        });
    }

    /** Waits until queued access-time writes are done (tests, close). */
    void drainBackground(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (background.getCompletedTaskCount() < background.getTaskCount() && System.nanoTime() < deadline) {
            try {
                background.awaitTermination(5, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    Duration persistAccessEvery() {
        return persistAccessEvery;
    }

    Instant now() {
        return clock.instant();
    }

    @Override
    public void close() {
        background.shutdown();
        try {
            if (!background.awaitTermination(10, TimeUnit.SECONDS)) {
                background.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
