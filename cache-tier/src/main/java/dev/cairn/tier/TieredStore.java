package dev.cairn.tier;

import dev.cairn.spi.MetricSample;
import dev.cairn.spi.StatusSource;
import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.BlobTooLargeException;
import dev.cairn.spi.store.CleanResult;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFullException;
import dev.cairn.spi.store.StoreStats;
import dev.cairn.spi.store.StoreUnavailableException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Several stores stacked into one, fastest first (e.g. {@code cache.stores: [disk, s3]}).
 *
 * <ul>
 *   <li>Reads try the tiers in order; a hit in a slower tier copies the entry into the faster tiers that are up
 *       (the requested blob and the standard names {@link #FILL_NAMES}, as one atomic put) before it is served.</li>
 *   <li>Writes are <b>write-through</b>: {@code put} writes every tier that is up, fastest first, and returns once
 *       they are all written. It succeeds when at least one tier stored the entry. Nothing is queued, so a crash
 *       loses only the puts in flight (their callers got no answer); but an entry written while a tier was down
 *       is never copied into that tier later (a cache: the next put of the key, or a fill, repairs it).</li>
 *   <li>A tier that fails with an {@link IOException} (other than "too large"/"full", which are answers, not
 *       outages) or a runtime error is marked down and skipped; one request per
 *       {@link TierOptions#probeInterval()} tries it again and a success brings it back. Failures are logged once
 *       per {@link TierOptions#logInterval()}. Requests fail only when every tier fails.</li>
 *   <li>{@link #status()} and {@link #metrics()} report each tier's state, errors and hits.</li>
 * </ul>
 * Namespace views stack the tiers' namespaces and share their health.
 */
public final class TieredStore implements Store, StatusSource {
    /** Blob names copied with the requested one when a slower tier's hit fills a faster tier. */
    public static final List<String> FILL_NAMES = List.of("output", "stdout", "stderr", "exit_code", "metadata");

    private final List<Store> tiers;
    private final List<TierHealth> health;
    private final boolean root;
    private final Map<String, TieredStore> namespaces;
    private final AtomicLong fills;
    private final AtomicLong fillFailures;

    /**
     * Tiers with {@link TierOptions#defaults()} and the system clock.
     *
     * @param tiers the stores, fastest first; at least one
     */
    public TieredStore(List<Store> tiers) {
        this(tiers, TierOptions.defaults(), Clock.systemUTC());
    }

    /**
     * @param tiers the stores, fastest first; at least one
     * @param options probe and log intervals
     * @param clock the clock for probe and log intervals
     */
    public TieredStore(List<Store> tiers, TierOptions options, Clock clock) {
        Objects.requireNonNull(tiers, "tiers is null");
        Objects.requireNonNull(options, "options is null");
        Objects.requireNonNull(clock, "clock is null");
        if (tiers.isEmpty()) {
            throw new IllegalArgumentException("a tiered store needs at least one tier");
        }
        this.tiers = List.copyOf(tiers);
        List<TierHealth> h = new ArrayList<>();
        for (int i = 0; i < this.tiers.size(); i++) {
            h.add(new TierHealth(i, this.tiers.get(i).describe(), clock, options));
        }
        this.health = List.copyOf(h);
        this.root = true;
        this.namespaces = new ConcurrentHashMap<>();
        this.fills = new AtomicLong();
        this.fillFailures = new AtomicLong();
    }

    private TieredStore(List<Store> tiers, TieredStore parent) {
        this.tiers = List.copyOf(tiers);
        this.health = parent.health;
        this.root = false;
        this.namespaces = parent.namespaces;
        this.fills = parent.fills;
        this.fillFailures = parent.fillFailures;
    }

    /** @return true for failures that mean "this tier is not working", false for answers such as "too large" */
    private static boolean isOutage(Exception e) {
        return !(e instanceof BlobTooLargeException) && !(e instanceof StoreFullException)
                && !(e instanceof IllegalArgumentException);
    }

    private static IOException asIo(Exception e) {
        return e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }

    private IOException allFailed(String what, List<Exception> errors) {
        if (errors.isEmpty()) {
            return new StoreUnavailableException(what + ": every cache tier is down and not due for a retry", null);
        }
        IOException e = new StoreUnavailableException(what + ": every cache tier failed; first: "
                + errors.get(0).getMessage(), errors.get(0));
        errors.stream().skip(1).forEach(e::addSuppressed);
        return e;
    }

    /** Regex-free check of {@link Store#KEY_PATTERN} and {@link Store#NAME_PATTERN} for the read path. */
    private static void check(String key, String name) {
        if (!validKey(key)) {
            Store.checkKey(key);
        }
        if (!validName(name)) {
            Store.checkName(name);
        }
    }

    private static boolean validKey(String key) {
        if (key == null || key.length() < 2 || key.length() > 128) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean alnum = c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
            if (!alnum && (i == 0 || c != '_' && c != '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean validName(String name) {
        if (name == null || name.isEmpty() || name.length() > 32) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean lowerOrDigit = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!(i == 0 ? c >= 'a' && c <= 'z' : lowerOrDigit || c == '_')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Optional<Blob> get(String key, String name) throws IOException {
        check(key, name);
        return getFrom(0, key, name, false, new ArrayList<>());
    }

    /** Reads from the fastest tier through its own {@code getBytes} (which may be cheaper than a stream). */
    @Override
    public Optional<byte[]> getBytes(String key, String name) throws IOException {
        check(key, name);
        List<Exception> errors = new ArrayList<>();
        boolean answered = false;
        TierHealth first = health.get(0);
        if (first.tryUse()) {
            try {
                Optional<byte[]> bytes = tiers.get(0).getBytes(key, name);
                first.succeeded();
                answered = true;
                if (bytes.isPresent()) {
                    first.hit();
                    return bytes;
                }
            } catch (IOException | RuntimeException e) {
                if (!isOutage(e)) {
                    throw e;
                }
                first.failed(e);
                errors.add(e);
            }
        }
        Optional<Blob> blob = getFrom(1, key, name, answered, errors);
        if (blob.isEmpty()) {
            return Optional.empty();
        }
        try (Blob b = blob.get()) {
            return Optional.of(b.stream().readAllBytes());
        }
    }

    private Optional<Blob> getFrom(int start, String key, String name, boolean answeredBefore,
                                   List<Exception> errors) throws IOException {
        boolean answered = answeredBefore;
        for (int i = start; i < tiers.size(); i++) {
            TierHealth h = health.get(i);
            if (!h.tryUse()) {
                continue;
            }
            Optional<Blob> blob;
            try {
                blob = tiers.get(i).get(key, name);
            } catch (IOException | RuntimeException e) {
                if (!isOutage(e)) {
                    throw e;
                }
                h.failed(e);
                errors.add(e);
                continue;
            }
            h.succeeded();
            answered = true;
            if (blob.isPresent()) {
                h.hit();
                return Optional.of(i == 0 ? blob.get() : fill(i, key, name, blob.get()));
            }
        }
        if (!answered) {
            throw allFailed("reading " + key + "/" + name, errors);
        }
        return Optional.empty();
    }

    /** Copies the entry found in tier {@code found} into the faster tiers that are up, then serves the copy. */
    private Blob fill(int found, String key, String name, Blob blob) throws IOException {
        List<Integer> targets = new ArrayList<>();
        for (int j = 0; j < found; j++) {
            if (health.get(j).isUp()) {
                targets.add(j);
            }
        }
        if (targets.isEmpty()) {
            return blob;
        }
        Map<String, SpooledBlob> entry = new LinkedHashMap<>();
        entry.put(name, SpooledBlob.copy(blob));
        try {
            Set<String> others = new LinkedHashSet<>(FILL_NAMES);
            others.remove(name);
            for (String other : others) {
                Optional<Blob> more = tiers.get(found).get(key, other);
                if (more.isPresent()) {
                    entry.put(other, SpooledBlob.copy(more.get()));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Without the whole entry a fill would plant half an entry: serve what we have, fill nothing.
            fillFailures.incrementAndGet();
            SpooledBlob served = entry.remove(name);
            closeAll(entry.values(), e);
            return served.asBlob();
        }
        Map<String, BlobSource> sources = new LinkedHashMap<>(entry);
        for (int j : targets) {
            try {
                tiers.get(j).put(key, sources);
                fills.incrementAndGet();
            } catch (IOException | RuntimeException e) {
                fillFailures.incrementAndGet();
                if (isOutage(e)) {
                    health.get(j).failed(e);
                }
            }
        }
        SpooledBlob served = entry.remove(name);
        closeAll(entry.values(), null);
        return served.asBlob();
    }

    private static void closeAll(Iterable<SpooledBlob> blobs, Exception primary) throws IOException {
        IOException first = null;
        for (SpooledBlob b : blobs) {
            try {
                b.close();
            } catch (IOException e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void put(String key, Map<String, BlobSource> blobs) throws IOException {
        Store.checkKey(key);
        Objects.requireNonNull(blobs, "blobs is null");
        if (blobs.isEmpty()) {
            throw new IllegalArgumentException("an entry needs at least one blob");
        }
        blobs.keySet().forEach(Store::checkName);
        AtomicReference<IOException> sourceFailure = new AtomicReference<>();
        Map<String, BlobSource> checked = new LinkedHashMap<>();
        blobs.forEach((name, source) -> checked.put(name, new CheckedSource(name, source, sourceFailure)));
        List<Exception> errors = new ArrayList<>();
        IOException refusal = null;
        boolean stored = false;
        for (int i = 0; i < tiers.size(); i++) {
            TierHealth h = health.get(i);
            if (!h.tryUse()) {
                continue;
            }
            try {
                tiers.get(i).put(key, checked);
                h.succeeded();
                stored = true;
            } catch (IOException | RuntimeException e) {
                if (sourceFailure.get() != null) {
                    // The caller's content failed, not the tier: report it and write no further tier.
                    throw sourceFailure.get();
                }
                if (!isOutage(e)) {
                    h.succeeded(); // it answered
                    if (refusal == null || e instanceof BlobTooLargeException) {
                        refusal = asIo(e);
                    }
                    continue;
                }
                h.failed(e);
                errors.add(e);
            }
        }
        if (!stored) {
            if (refusal != null) {
                throw refusal;
            }
            throw allFailed("writing " + key, errors);
        }
    }

    @Override
    public boolean has(String key) throws IOException {
        Store.checkKey(key);
        List<Exception> errors = new ArrayList<>();
        boolean answered = false;
        for (int i = 0; i < tiers.size(); i++) {
            Optional<Boolean> has = attempt(i, Store::has, key, errors);
            if (has.isPresent()) {
                answered = true;
                if (has.get()) {
                    return true;
                }
            }
        }
        if (!answered) {
            throw allFailed("checking " + key, errors);
        }
        return false;
    }

    @Override
    public boolean delete(String key) throws IOException {
        Store.checkKey(key);
        List<Exception> errors = new ArrayList<>();
        boolean answered = false;
        boolean deleted = false;
        for (int i = 0; i < tiers.size(); i++) {
            Optional<Boolean> d = attempt(i, Store::delete, key, errors);
            if (d.isPresent()) {
                answered = true;
                deleted |= d.get();
            }
        }
        if (!answered) {
            throw allFailed("deleting " + key, errors);
        }
        return deleted;
    }

    /** Reports the slowest tier that answers: it holds the most, and is what a fleet shares. */
    @Override
    public StoreStats stats() throws IOException {
        List<Exception> errors = new ArrayList<>();
        for (int i = tiers.size() - 1; i >= 0; i--) {
            Optional<StoreStats> s = attempt(i, (store, unused) -> store.stats(), null, errors);
            if (s.isPresent()) {
                return s.get();
            }
        }
        throw allFailed("reading statistics", errors);
    }

    /** One call on a tier. */
    private interface TierCall<A, T> {
        T call(Store tier, A argument) throws IOException;
    }

    /**
     * Calls tier {@code i} when its health allows, recording the outcome in its health.
     *
     * @return the answer, or empty when the tier is skipped or failed (the failure added to {@code errors})
     */
    private <A, T> Optional<T> attempt(int i, TierCall<A, T> call, A argument, List<Exception> errors) {
        TierHealth h = health.get(i);
        if (!h.tryUse()) {
            return Optional.empty();
        }
        try {
            T answer = call.call(tiers.get(i), argument);
            h.succeeded();
            return Optional.of(answer);
        } catch (IOException | RuntimeException e) {
            h.failed(e);
            errors.add(e);
            return Optional.empty();
        }
    }

    /**
     * Cleans every tier that is up with the same limits. Returns the largest result of one tier (an entry removed
     * from two tiers counts once), not the sum.
     */
    @Override
    public CleanResult clean(long maxSize, Duration maxAge) throws IOException {
        List<Exception> errors = new ArrayList<>();
        long entries = 0;
        long bytes = 0;
        boolean answered = false;
        for (int i = 0; i < tiers.size(); i++) {
            TierHealth h = health.get(i);
            if (!h.tryUse()) {
                continue;
            }
            try {
                CleanResult r = tiers.get(i).clean(maxSize, maxAge);
                h.succeeded();
                answered = true;
                entries = Math.max(entries, r.entriesRemoved());
                bytes = Math.max(bytes, r.bytesRemoved());
            } catch (IOException | RuntimeException e) {
                if (!isOutage(e)) {
                    throw e;
                }
                h.failed(e);
                errors.add(e);
            }
        }
        if (!answered) {
            throw allFailed("cleaning", errors);
        }
        return new CleanResult(entries, bytes);
    }

    @Override
    public Optional<Path> dir() {
        return tiers.get(0).dir();
    }

    @Override
    public Store namespace(String name) {
        Store.checkNamespace(name);
        if (!root) {
            throw new IllegalStateException("namespaces do not nest");
        }
        return namespaces.computeIfAbsent(name, n -> {
            List<Store> views = new ArrayList<>();
            for (Store t : tiers) {
                views.add(t.namespace(n));
            }
            return new TieredStore(views, this);
        });
    }

    @Override
    public String describe() {
        return "tiered" + tiers.stream().map(Store::describe).toList();
    }

    /** @return per tier: up, since when down, hits, errors, last error; and the number of fills */
    @Override
    public Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("tiers", health.stream().map(TierHealth::status).toList());
        s.put("fills", fills.get());
        s.put("fillFailures", fillFailures.get());
        return s;
    }

    @Override
    public List<MetricSample> metrics() {
        List<MetricSample> out = new ArrayList<>();
        for (TierHealth h : health) {
            Map<String, String> labels = Map.of("tier", Integer.toString(h.index()), "store", h.name());
            out.add(new MetricSample("cairn_cache_tier_up", "1 when the cache tier answers, 0 while it is down",
                    "gauge", labels, h.isUp() ? 1 : 0));
            out.add(new MetricSample("cairn_cache_tier_errors_total", "failed requests to the cache tier",
                    "counter", labels, h.errors()));
            out.add(new MetricSample("cairn_cache_tier_hits_total", "reads served by the cache tier",
                    "counter", labels, h.hits()));
        }
        out.add(new MetricSample("cairn_cache_tier_fills_total", "entries copied into a faster tier on a hit below",
                "counter", Map.of(), fills.get()));
        return out;
    }

    /** @return the health of tier {@code i}, for tests */
    TierHealth health(int i) {
        return health.get(i);
    }

    @Override
    public void close() throws IOException {
        if (!root) {
            return;
        }
        IOException first = null;
        for (Store s : tiers) {
            try {
                s.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
