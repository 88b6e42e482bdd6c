package dev.cairn.testkit.store;

import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.BlobTooLargeException;
import dev.cairn.spi.store.CleanResult;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFullException;
import dev.cairn.spi.store.StoreStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract every {@link Store} implementation passes: the same tests for the in-memory, disk, S3 and any
 * third-party store.
 *
 * <h2>How to use it</h2>
 * Add {@code dev.cairn:cairn-testkit} as a test dependency (it brings JUnit 5), then subclass this class in your
 * test sources and create your store:
 * <pre>{@code
 * class MyStoreContractTest extends StoreContract {
 *     @Override
 *     protected Store createStore(Path dir, long maxSizeBytes) throws Exception {
 *         return new MyStore(dir, maxSizeBytes);
 *     }
 *
 *     @Override
 *     protected boolean supportsDir() {        // dir() returns a local directory
 *         return true;
 *     }
 * }
 * }</pre>
 * Every test method of this class then runs against your store. Each call of {@code createStore} gets a fresh, empty,
 * existing directory the store may use for its data (remote stores may derive a bucket prefix from it). Calling it
 * again with the same directory after the first store was closed must open the same data (only used when
 * {@link #supportsReopen()} is true). {@code maxSizeBytes} is the budget of the root view, 0 for unlimited. The suite
 * closes every store it created after each test.
 *
 * <h2>Capability hooks</h2>
 * Override these to declare what your store can do; tests that need a missing capability are skipped with an
 * assumption that says why (they show as skipped, not passed):
 * <ul>
 *   <li>{@link #supportsClock()} and {@link #createStore(Path, long, Clock)}: the store takes its time from an
 *       injected clock, so eviction by age is tested with a {@link ManualClock} instead of sleeping;</li>
 *   <li>{@link #supportsDir()}: {@link Store#dir()} returns a local directory (else it must be empty);</li>
 *   <li>{@link #supportsReopen()}: data survives closing and reopening the store;</li>
 *   <li>{@link #enforcesMaxSizeSynchronously()}: {@code put} returns only once the budget holds (else the suite
 *       polls {@link Store#stats()} for up to 10 s);</li>
 *   <li>{@link #largeBlobBytes()} and {@link #maxOverheadPerEntry()}: sizes used by the streaming and accounting
 *       tests.</li>
 * </ul>
 * A subclass may also add its own tests. Test methods are public so a subclass in any package can override one
 * that does not apply with {@code @Test @Disabled("why")}, keeping the gap visible in the report.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class StoreContract {
    /** Where the suite creates store directories; one fresh directory per store. */
    @TempDir
    protected Path base;

    private final List<Store> opened = new ArrayList<>();
    private int storeCount;
    private ManualClock clock;

    /**
     * Creates the store under test.
     *
     * @param dir a fresh, empty, existing directory the store may use
     * @param maxSizeBytes the budget of the root view in bytes, 0 for unlimited
     * @return a new store
     * @throws Exception when the store cannot be created
     */
    protected abstract Store createStore(Path dir, long maxSizeBytes) throws Exception;

    /**
     * Creates the store under test with an injected clock; override together with {@link #supportsClock()}.
     *
     * @param dir as {@link #createStore(Path, long)}
     * @param maxSizeBytes as {@link #createStore(Path, long)}
     * @param clock the clock the store must use for access times and ages
     * @return a new store
     * @throws Exception when the store cannot be created
     */
    protected Store createStore(Path dir, long maxSizeBytes, Clock clock) throws Exception {
        throw new UnsupportedOperationException("override createStore(Path, long, Clock) with supportsClock()");
    }

    /** @return whether {@link #createStore(Path, long, Clock)} is implemented; default false */
    protected boolean supportsClock() {
        return false;
    }

    /** @return whether {@link Store#dir()} returns a local directory; default false (it must then be empty) */
    protected boolean supportsDir() {
        return false;
    }

    /** @return whether entries survive closing the store and creating it again on the same directory */
    protected boolean supportsReopen() {
        return false;
    }

    /** @return whether the budget holds as soon as {@code put} returns; default true */
    protected boolean enforcesMaxSizeSynchronously() {
        return true;
    }

    /** @return size of the blob the streaming test writes and reads; default 40 MiB */
    protected long largeBlobBytes() {
        return 40L << 20;
    }

    /** @return most bytes {@link StoreStats#sizeBytes()} may count per entry beyond its blobs; default 4096 */
    protected long maxOverheadPerEntry() {
        return 4096;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers available to subclasses

    /**
     * Creates a store in a fresh directory, with the suite's {@link ManualClock} when {@link #supportsClock()}.
     *
     * @param maxSizeBytes the budget, 0 for unlimited
     * @return the store, closed after the test
     * @throws Exception when creation fails
     */
    protected final Store open(long maxSizeBytes) throws Exception {
        Path dir = base.resolve("store-" + (++storeCount));
        Files.createDirectories(dir);
        return openAt(dir, maxSizeBytes);
    }

    /**
     * Creates a store on a given directory (to reopen one).
     *
     * @param dir the directory
     * @param maxSizeBytes the budget
     * @return the store, closed after the test
     * @throws Exception when creation fails
     */
    protected final Store openAt(Path dir, long maxSizeBytes) throws Exception {
        Store store = supportsClock() ? createStore(dir, maxSizeBytes, clock()) : createStore(dir, maxSizeBytes);
        if (store == null) {
            throw new AssertionError("createStore returned null");
        }
        opened.add(store);
        return store;
    }

    /** @return the clock given to stores when {@link #supportsClock()} (one per test) */
    protected final ManualClock clock() {
        if (clock == null) {
            clock = new ManualClock();
        }
        return clock;
    }

    /** Moves the suite's clock one second on, so access times differ even for stores that do not break ties. */
    protected final void tick() {
        if (supportsClock()) {
            clock().advance(Duration.ofSeconds(1));
        }
    }

    /**
     * @param size number of bytes
     * @param seed selects the content
     * @return deterministic content that differs per seed
     */
    protected static byte[] content(int size, long seed) {
        byte[] out = new byte[size];
        try (InputStream in = new PatternStream(size, seed)) {
            int n = in.readNBytes(out, 0, size);
            if (n != size) {
                throw new AssertionError("pattern stream short");
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    /**
     * A re-readable source of deterministic content that is generated on the fly (never held in memory).
     *
     * @param size number of bytes
     * @param seed selects the content
     * @return the source
     */
    protected static BlobSource patternSource(long size, long seed) {
        return new BlobSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() {
                return new PatternStream(size, seed);
            }
        };
    }

    /** Closes every store the suite opened, newest first. */
    @AfterEach
    public void closeStores() throws IOException {
        IOException first = null;
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        opened.clear();
        if (first != null) {
            throw first;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Basic operations

    @Test
    public void putThenGetReturnsTheBlob() throws Exception {
        Store store = open(0);
        byte[] value = content(10_000, 1);
        store.put("abc123", "output", value);

        assertTrue(store.has("abc123"));
        try (Blob blob = store.get("abc123", "output").orElseThrow()) {
            assertEquals(10_000, blob.size());
            try (InputStream in = blob.stream()) {
                assertArrayEquals(value, in.readAllBytes());
            }
        }
        assertArrayEquals(value, store.getBytes("abc123", "output").orElseThrow());
    }

    @Test
    public void multiBlobEntryKeepsEveryBlob() throws Exception {
        Store store = open(0);
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        blobs.put("output", content(5000, 1));
        blobs.put("stdout", "compiled ok\n".getBytes(StandardCharsets.UTF_8));
        blobs.put("stderr", new byte[0]);
        blobs.put("exit_code", "0".getBytes(StandardCharsets.UTF_8));
        blobs.put("metadata", content(300, 2));
        store.put("deadbeef", sources(blobs));

        for (Map.Entry<String, byte[]> e : blobs.entrySet()) {
            assertArrayEquals(e.getValue(), store.getBytes("deadbeef", e.getKey()).orElseThrow(), e.getKey());
        }
        assertEquals(Optional.empty(), store.get("deadbeef", "missing"), "a blob the entry does not have");
        assertEquals(1, store.stats().entries());
    }

    @Test
    public void emptyBlobRoundTrips() throws Exception {
        Store store = open(0);
        store.put("e3b0c44298fc1c14", "output", new byte[0]);
        try (Blob blob = store.get("e3b0c44298fc1c14", "output").orElseThrow()) {
            assertEquals(0, blob.size());
            try (InputStream in = blob.stream()) {
                assertEquals(-1, in.read());
            }
        }
    }

    @Test
    public void missingEntryIsNotAnError() throws Exception {
        Store store = open(0);
        assertEquals(Optional.empty(), store.get("nothere", "output"));
        assertEquals(Optional.empty(), store.getBytes("nothere", "output"));
        assertFalse(store.has("nothere"));
        assertFalse(store.delete("nothere"));
        assertEquals(0, store.stats().entries());
        assertEquals(0, store.stats().sizeBytes());
    }

    @Test
    public void deleteRemovesTheWholeEntry() throws Exception {
        Store store = open(0);
        store.put("k1", Map.of("output", BlobSource.of(content(100, 1)), "stdout", BlobSource.of(content(50, 2))));
        store.put("k2", "output", content(100, 3));

        assertTrue(store.delete("k1"));

        assertFalse(store.has("k1"));
        assertEquals(Optional.empty(), store.get("k1", "output"));
        assertEquals(Optional.empty(), store.get("k1", "stdout"));
        assertFalse(store.delete("k1"), "second delete finds nothing");
        assertTrue(store.has("k2"), "other entries stay");
        assertEquals(1, store.stats().entries());
    }

    @Test
    public void putReplacesTheWholeEntry() throws Exception {
        Store store = open(0);
        store.put("k1", Map.of("output", BlobSource.of(content(1000, 1)), "stdout", BlobSource.of(content(10, 2))));
        byte[] replacement = content(700, 3);
        store.put("k1", "output", replacement);

        assertArrayEquals(replacement, store.getBytes("k1", "output").orElseThrow());
        assertEquals(Optional.empty(), store.get("k1", "stdout"), "replacement is not a merge");
        StoreStats stats = store.stats();
        assertEquals(1, stats.entries());
        assertSizeAccounts(stats, 700, 1);
    }

    @Test
    public void openBlobStaysReadableAfterDelete() throws Exception {
        Store store = open(0);
        byte[] value = content(200_000, 7);
        store.put("k1", "output", value);
        try (Blob blob = store.get("k1", "output").orElseThrow()) {
            assertTrue(store.delete("k1"));
            try (InputStream in = blob.stream()) {
                assertArrayEquals(value, in.readAllBytes());
            }
        }
    }

    @Test
    public void statsCountEntriesAndBytes() throws Exception {
        Store store = open(0);
        assertEquals(new StoreStats(0, 0, 0), store.stats());
        store.put("k1", "output", content(1000, 1));
        store.put("k2", Map.of("output", BlobSource.of(content(2000, 2)), "stdout", BlobSource.of(content(30, 3))));

        StoreStats stats = store.stats();
        assertEquals(2, stats.entries());
        assertSizeAccounts(stats, 3030, 2);
        assertEquals(0, stats.maxSizeBytes());

        store.delete("k2");
        assertEquals(1, store.stats().entries());
        assertSizeAccounts(store.stats(), 1000, 1);
        assertEquals(1 << 20, open(1 << 20).stats().maxSizeBytes());
    }

    @Test
    public void largeBlobStreamsThroughWithoutChange() throws Exception {
        Store store = open(0);
        long size = largeBlobBytes();
        BlobSource source = patternSource(size, 42);
        String expected = digest(source.open());

        store.put("big1", Map.of("output", source, "stdout", BlobSource.of(content(100, 1))));

        try (Blob blob = store.get("big1", "output").orElseThrow()) {
            assertEquals(size, blob.size());
            assertEquals(expected, digest(blob.stream()));
        }
        assertArrayEquals(content(100, 1), store.getBytes("big1", "stdout").orElseThrow());
    }

    @Test
    public void dirIsLocalWhenSupported() throws Exception {
        Store store = open(0);
        Store ns = store.namespace("ns1");
        if (!supportsDir()) {
            assertEquals(Optional.empty(), store.dir());
            assertEquals(Optional.empty(), ns.dir());
            return;
        }
        Path root = store.dir().orElseThrow(() -> new AssertionError("supportsDir() but dir() is empty"));
        Path nsDir = ns.dir().orElseThrow(() -> new AssertionError("namespace has no dir()"));
        assertTrue(Files.isDirectory(root), root + " is a directory");
        assertTrue(Files.isDirectory(nsDir), nsDir + " is a directory");
        assertNotEquals(root, nsDir);
        assertFalse(nsDir.startsWith(root), "namespace " + nsDir + " must not live inside the parent's " + root);
        assertFalse(root.startsWith(nsDir), "parent must not live inside a namespace");
    }

    @Test
    public void describeSaysSomething() throws Exception {
        Store store = open(0);
        assertFalse(store.describe().isBlank());
        assertFalse(store.namespace("ns1").describe().isBlank());
    }

    @Test
    public void reopenKeepsEntries() throws Exception {
        assumeTrue(supportsReopen(), "store does not declare supportsReopen(): its data is not persistent");
        Path dir = base.resolve("reopen");
        Files.createDirectories(dir);
        Store first = openAt(dir, 0);
        first.put("k1", Map.of("output", BlobSource.of(content(3000, 1)), "stdout", BlobSource.of(content(5, 2))));
        first.namespace("ns1").put("k1", "output", content(10, 3));
        first.close();

        Store second = openAt(dir, 0);
        assertArrayEquals(content(3000, 1), second.getBytes("k1", "output").orElseThrow());
        assertArrayEquals(content(5, 2), second.getBytes("k1", "stdout").orElseThrow());
        assertArrayEquals(content(10, 3), second.namespace("ns1").getBytes("k1", "output").orElseThrow());
        assertEquals(1, second.stats().entries());
        assertEquals(1, second.namespace("ns1").stats().entries());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Validation: nothing invalid is stored, nothing escapes

    /** Keys that must be rejected: traversal, separators, wrong characters, wrong lengths. */
    protected static List<String> invalidKeys() {
        return List.of("", "a", "-abc", "_abc", "../evil", "..", ".", "a/b", "a\\b", "evil/../../x", "/evil",
                "ab c", "ab.c", "ab\u0000c", "ab\nc", "\u00e9vil", "ab%2Fc", "x".repeat(129));
    }

    /** Blob names that must be rejected. */
    protected static List<String> invalidNames() {
        return List.of("", "Output", "1out", "_out", "../evil", "a/b", "out.txt", "out-put", "x".repeat(33),
                "evil\u0000", ".", "..");
    }

    /** Namespaces that must be rejected. */
    protected static List<String> invalidNamespaces() {
        return List.of("", "-ns", "_ns", "Ns", "..", ".", "../evil", "a/b", "ns.x", "ns x", "x".repeat(64),
                "evil\u0000");
    }

    @Test
    public void invalidKeysAreRejectedAndNothingIsStored() throws Exception {
        Store store = open(0);
        for (String key : invalidKeys()) {
            String what = "key '" + key + "'";
            assertThrows(IllegalArgumentException.class, () -> store.put(key, "output", content(10, 1)), what);
            assertThrows(IllegalArgumentException.class, () -> store.get(key, "output"), what);
            assertThrows(IllegalArgumentException.class, () -> store.getBytes(key, "output"), what);
            assertThrows(IllegalArgumentException.class, () -> store.has(key), what);
            assertThrows(IllegalArgumentException.class, () -> store.delete(key), what);
        }
        assertThrows(IllegalArgumentException.class, () -> store.put(null, "output", content(10, 1)));
        assertEquals(0, store.stats().entries());
        assertEquals(0, store.stats().sizeBytes());
        assertNothingEscaped();
    }

    @Test
    public void invalidBlobNamesAreRejectedAndNothingIsStored() throws Exception {
        Store store = open(0);
        for (String name : invalidNames()) {
            String what = "name '" + name + "'";
            assertThrows(IllegalArgumentException.class, () -> store.put("k1", name, content(10, 1)), what);
            Map<String, BlobSource> mixed = new LinkedHashMap<>();
            mixed.put("output", BlobSource.of(content(10, 1)));
            mixed.put(name, BlobSource.of(content(10, 2)));
            assertThrows(IllegalArgumentException.class, () -> store.put("k2", mixed), what + " with a valid one");
            assertThrows(IllegalArgumentException.class, () -> store.get("k1", name), what);
        }
        assertThrows(IllegalArgumentException.class, () -> store.put("k3", Map.of()), "an entry needs a blob");
        assertFalse(store.has("k1"));
        assertFalse(store.has("k2"), "a valid blob next to an invalid one is not stored either");
        assertFalse(store.has("k3"));
        assertEquals(0, store.stats().entries());
        assertNothingEscaped();
    }

    @Test
    public void invalidNamespacesAreRejected() throws Exception {
        Store store = open(0);
        for (String ns : invalidNamespaces()) {
            assertThrows(IllegalArgumentException.class, () -> store.namespace(ns), "namespace '" + ns + "'");
        }
        assertThrows(IllegalArgumentException.class, () -> store.namespace(null));
        assertNothingEscaped();
    }

    @Test
    public void boundaryValuesAreAccepted() throws Exception {
        Store store = open(0);
        List<String> keys = List.of("ab", "Z9", "a".repeat(128), "AbC-dEf_012", "0" + "f".repeat(63));
        for (String key : keys) {
            store.put(key, "x" + "y".repeat(31), content(3, key.length()));
        }
        Store ns = store.namespace("n" + "s".repeat(62));
        ns.put("ab", "o", content(4, 9));
        for (String key : keys) {
            assertArrayEquals(content(3, key.length()), store.getBytes(key, "x" + "y".repeat(31)).orElseThrow(), key);
        }
        assertArrayEquals(content(4, 9), ns.getBytes("ab", "o").orElseThrow());
        assertEquals(keys.size(), store.stats().entries());
        assertNotNullView(store.namespace("0"));
        assertNotNullView(store.namespace("a-b_c"));
    }

    @Test
    public void sourceShorterOrLongerThanDeclaredFailsAndStoresNothing() throws Exception {
        Store store = open(0);
        store.put("k1", "output", content(10, 1));
        BlobSource shorter = lying(50, content(20, 2));
        BlobSource longer = lying(20, content(50, 3));

        assertThrows(IOException.class, () -> store.put("k2", Map.of("output", shorter)), "source shorter than size()");
        assertThrows(IOException.class, () -> store.put("k3", Map.of("output", longer)), "source longer than size()");
        assertThrows(IOException.class, () -> store.put("k1", Map.of("output", shorter)), "replacing with a short source");

        assertFalse(store.has("k2"));
        assertFalse(store.has("k3"));
        assertArrayEquals(content(10, 1), store.getBytes("k1", "output").orElseThrow(), "old entry is kept");
        assertEquals(1, store.stats().entries());
        assertSizeAccounts(store.stats(), 10, 1);
    }

    @Test
    public void failingSourceStoresNothingAndKeepsTheOldEntry() throws Exception {
        Store store = open(0);
        byte[] old = content(100, 1);
        store.put("k1", "output", old);
        BlobSource failing = new BlobSource() {
            @Override
            public long size() {
                return 100_000;
            }

            @Override
            public InputStream open() {
                return new PatternStream(100_000, 5) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (position() > 30_000) {
                            throw new IOException("client went away");
                        }
                        return super.read(b, off, len);
                    }
                };
            }
        };
        Map<String, BlobSource> entry = new LinkedHashMap<>();
        entry.put("stdout", BlobSource.of(content(10, 2)));
        entry.put("output", failing);

        assertThrows(IOException.class, () -> store.put("k1", entry));
        assertThrows(IOException.class, () -> store.put("k2", entry));

        assertArrayEquals(old, store.getBytes("k1", "output").orElseThrow());
        assertEquals(Optional.empty(), store.get("k1", "stdout"), "no blob of the failed entry is visible");
        assertFalse(store.has("k2"));
        assertEquals(1, store.stats().entries());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Namespaces

    @Test
    public void namespacesAreIsolatedFromTheParentAndEachOther() throws Exception {
        Store store = open(0);
        Store a = store.namespace("alpha");
        Store b = store.namespace("beta");
        store.put("same", "output", content(10, 0));
        a.put("same", "output", content(20, 1));
        b.put("same", "output", content(30, 2));
        a.put("onlya", "output", content(5, 3));

        assertArrayEquals(content(10, 0), store.getBytes("same", "output").orElseThrow());
        assertArrayEquals(content(20, 1), a.getBytes("same", "output").orElseThrow());
        assertArrayEquals(content(30, 2), b.getBytes("same", "output").orElseThrow());
        assertFalse(store.has("onlya"));
        assertFalse(b.has("onlya"));
        assertEquals(1, store.stats().entries());
        assertEquals(2, a.stats().entries());
        assertEquals(1, b.stats().entries());
        assertSizeAccounts(b.stats(), 30, 1);

        assertTrue(a.delete("same"));
        assertTrue(store.has("same"), "deleting in a namespace leaves the parent");
        assertTrue(b.has("same"), "and other namespaces");

        CleanResult cleaned = b.clean(0, null);
        assertEquals(1, cleaned.entriesRemoved());
        assertFalse(b.has("same"));
        assertTrue(store.has("same"), "cleaning a namespace leaves the parent");
        assertTrue(a.has("onlya"), "and other namespaces");
    }

    @Test
    public void namespaceViewsOfOneNameShareTheirEntries() throws Exception {
        Store store = open(0);
        store.namespace("shared").put("k1", "output", content(10, 1));
        assertArrayEquals(content(10, 1), store.namespace("shared").getBytes("k1", "output").orElseThrow());
        assertEquals(1, store.namespace("shared").stats().entries());
    }

    @Test
    public void namespaceDoesNotInheritTheParentsBudget() throws Exception {
        Store store = open(100_000);
        Store ns = store.namespace("big");
        for (int i = 0; i < 4; i++) {
            ns.put("k" + i, "output", content(60_000, i));
        }
        for (int i = 0; i < 4; i++) {
            assertTrue(ns.has("k" + i), "k" + i + " kept: the namespace is not bound by the parent's 100000 bytes");
        }
        assertTrue(ns.stats().sizeBytes() >= 240_000);
        store.put("p1", "output", content(60_000, 9));
        assertTrue(store.has("p1"), "the namespace's bytes do not count against the parent");
        assertTrue(ns.has("k0"), "nor does the parent evict the namespace");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Eviction

    @Test
    public void cleanBySizeEvictsTheLeastRecentlyUsed() throws Exception {
        Store store = open(0);
        for (String key : List.of("k1", "k2", "k3")) {
            store.put(key, "output", content(10_000, key.hashCode()));
            tick();
        }
        assertTrue(store.getBytes("k1", "output").isPresent()); // k1 is now the most recently used
        tick();
        assertTrue(store.has("k2"), "has() does not count as an access");
        tick();
        long perEntry = store.stats().sizeBytes() / 3;

        CleanResult result = store.clean(2 * perEntry, null);

        assertEquals(1, result.entriesRemoved());
        assertEquals(perEntry, result.bytesRemoved());
        assertFalse(store.has("k2"), "k2 was the least recently used");
        assertTrue(store.has("k1"), "k1 was read, so it survives");
        assertTrue(store.has("k3"));

        result = store.clean(0, null);
        assertEquals(2, result.entriesRemoved());
        assertEquals(new StoreStats(0, 0, 0), store.stats());
    }

    @Test
    public void putOverTheBudgetEvictsTheLeastRecentlyUsed() throws Exception {
        long budget = 350 * 1024;
        Store store = open(budget);
        for (String key : List.of("k1", "k2", "k3")) {
            store.put(key, "output", content(100 * 1024, key.hashCode()));
            tick();
        }
        assertTrue(store.get("k1", "output").map(StoreContract::closeQuietly).isPresent());
        tick();

        store.put("k4", "output", content(100 * 1024, 4));

        awaitWithinBudget(store, budget);
        assertFalse(store.has("k2"), "k2 was the least recently used");
        assertTrue(store.has("k1"), "k1 was read, so it survives");
        assertTrue(store.has("k3"));
        assertTrue(store.has("k4"));
        assertEquals(3, store.stats().entries());
    }

    @Test
    public void cleanByAgeRemovesEntriesNotAccessedWithinMaxAge() throws Exception {
        assumeTrue(supportsClock(), "store does not take an injected clock (supportsClock() is false), so ages"
                + " cannot be tested without sleeping");
        Store store = open(0);
        store.put("old1", "output", content(100, 1));
        store.put("old2", "output", content(200, 2));
        store.put("read1", "output", content(300, 3));
        clock().advance(Duration.ofHours(2));
        store.put("young", "output", content(400, 4));
        assertTrue(store.getBytes("read1", "output").isPresent(), "reading refreshes the access time");
        clock().advance(Duration.ofMinutes(30));

        assertEquals(new CleanResult(0, 0), store.clean(Long.MAX_VALUE, null), "null maxAge keeps every age");
        CleanResult result = store.clean(Long.MAX_VALUE, Duration.ofHours(1));

        assertEquals(2, result.entriesRemoved());
        assertTrue(result.bytesRemoved() >= 300, "bytes of old1 and old2");
        assertFalse(store.has("old1"));
        assertFalse(store.has("old2"));
        assertTrue(store.has("young"));
        assertTrue(store.has("read1"));
    }

    @Test
    public void blobLargerThanTheBudgetIsTooLarge() throws Exception {
        Store store = open(100_000);
        store.put("k1", "output", content(1000, 1));

        assertThrows(BlobTooLargeException.class, () -> store.put("k2", "output", content(100_001, 2)));
        assertThrows(BlobTooLargeException.class, () -> store.put("k2", Map.of("output", patternSource(1L << 40, 2))),
                "a 1 TiB source is refused before it is read");

        assertFalse(store.has("k2"));
        assertTrue(store.has("k1"), "a refused blob evicts nothing");
        assertEquals(1, store.stats().entries());
    }

    @Test
    public void entryLargerThanTheBudgetIsRefused() throws Exception {
        Store store = open(100_000);
        Map<String, BlobSource> entry = Map.of("output", BlobSource.of(content(60_000, 1)),
                "stdout", BlobSource.of(content(60_000, 2)));

        IOException e = assertThrows(IOException.class, () -> store.put("k1", entry));
        assertTrue(e instanceof StoreFullException || e instanceof BlobTooLargeException,
                "StoreFullException or BlobTooLargeException, not " + e);
        assertFalse(store.has("k1"));
        assertEquals(Optional.empty(), store.get("k1", "output"));
        assertEquals(0, store.stats().entries());
    }

    @Test
    public void setMaxSizeAppliesToLaterPuts() throws Exception {
        Store store = open(0);
        assumeTrue(store.setMaxSize(150_000), "store cannot change its budget live (setMaxSize returned false)");
        assertEquals(150_000, store.stats().maxSizeBytes());
        for (int i = 0; i < 3; i++) {
            store.put("k" + i, "output", content(60_000, i));
            tick();
        }
        awaitWithinBudget(store, 150_000);
        assertFalse(store.has("k0"), "oldest entry evicted under the new budget");
        assertTrue(store.has("k2"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Concurrency

    @Test
    public void concurrentPutsOfOneKeyLeaveOneWholeEntry() throws Exception {
        Store store = open(0);
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int seed = i;
                Store view = store.namespace("ns1"); // a view per writer: dedup must work across views
                futures.add(pool.submit(() -> {
                    start.await();
                    view.put("samekey", Map.of(
                            "output", BlobSource.of(content(64 * 1024, seed)),
                            "metadata", BlobSource.of(("seed=" + seed).getBytes(StandardCharsets.UTF_8))));
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Store ns = store.namespace("ns1");
        String meta = new String(ns.getBytes("samekey", "metadata").orElseThrow(), StandardCharsets.UTF_8);
        int seed = Integer.parseInt(meta.substring("seed=".length()));
        assertArrayEquals(content(64 * 1024, seed), ns.getBytes("samekey", "output").orElseThrow(),
                "output and metadata come from the same put");
        assertEquals(1, ns.stats().entries());
        assertSizeAccounts(ns.stats(), 64 * 1024 + meta.length(), 1);
        assertEquals(0, store.stats().entries());
    }

    @Test
    public void readersNeverSeeAPartialEntry() throws Exception {
        Store store = open(0);
        int rounds = 60;
        int blobSize = 8 * 1024;
        List<String> names = List.of("output", "stdout", "stderr", "metadata");
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger(-1);
        AtomicInteger checks = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> writer = pool.submit(() -> {
                try {
                    for (int round = 0; round < rounds; round++) {
                        Map<String, BlobSource> entry = new LinkedHashMap<>();
                        for (String name : names) {
                            entry.put(name, BlobSource.of(filled(blobSize, round)));
                        }
                        store.put("fresh" + round, entry);
                        store.put("replaced", entry);
                        written.set(round);
                    }
                } finally {
                    done.set(true);
                }
                return null;
            });
            List<Future<?>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    while (!done.get() || checks.get() < 10) {
                        int next = written.get() + 1; // the entry being written now, or not yet
                        for (int round = Math.max(0, next - 1); round <= Math.min(next, rounds - 1); round++) {
                            String key = "fresh" + round;
                            boolean had = store.has(key);
                            Optional<byte[]> first = store.getBytes(key, names.get(0));
                            if (had || first.isPresent()) {
                                for (String name : names) {
                                    byte[] value = store.getBytes(key, name).orElseThrow(() -> new AssertionError(
                                            key + " visible but its blob " + name + " is missing"));
                                    assertArrayEquals(filled(blobSize, (byte) Integer.parseInt(key.substring(5))),
                                            value, key + "/" + name);
                                }
                            }
                        }
                        for (String name : names) {
                            int before = written.get();
                            Optional<byte[]> value = store.getBytes("replaced", name);
                            if (value.isEmpty()) {
                                assertEquals(-1, before, "replaced/" + name + " vanished during a replace");
                                continue;
                            }
                            byte[] v = value.get();
                            assertEquals(blobSize, v.length, "replaced/" + name + " whole");
                            assertArrayEquals(filled(blobSize, v[0]), v, "replaced/" + name + " from one put");
                        }
                        checks.incrementAndGet();
                    }
                    return null;
                }));
            }
            writer.get(100, TimeUnit.SECONDS);
            for (Future<?> reader : readers) {
                reader.get(100, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(rounds + 1, store.stats().entries());
        assertTrue(checks.get() >= 10, "readers ran");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Assertions and sources

    /**
     * Asserts that {@code stats} counts at least the blobs' bytes and at most {@link #maxOverheadPerEntry()} more
     * per entry.
     *
     * @param stats the statistics
     * @param blobBytes the bytes of the blobs stored
     * @param entries the number of entries
     */
    protected final void assertSizeAccounts(StoreStats stats, long blobBytes, long entries) {
        assertTrue(stats.sizeBytes() >= blobBytes, "size " + stats.sizeBytes() + " counts the blobs' " + blobBytes);
        long most = blobBytes + entries * maxOverheadPerEntry();
        assertTrue(stats.sizeBytes() <= most, "size " + stats.sizeBytes() + " at most " + most);
    }

    /**
     * Asserts that nothing appeared in the suite's temp directory outside the store directories, and that no path
     * under it names the test's escape attempts ("evil").
     *
     * @throws IOException when the tree cannot be read
     */
    protected final void assertNothingEscaped() throws IOException {
        try (Stream<Path> top = Files.list(base)) {
            for (Path p : top.sorted().toList()) {
                assertTrue(p.getFileName().toString().startsWith("store-") || p.getFileName().toString()
                        .equals("reopen"), "unexpected " + p + " next to the store directories");
            }
        }
        try (Stream<Path> all = Files.walk(base)) {
            for (Path p : all.sorted().toList()) {
                assertFalse(p.getFileName().toString().contains("evil"), "escape attempt created " + p);
            }
        }
        Path parent = base.getParent();
        if (parent != null) {
            assertFalse(Files.exists(parent.resolve("evil")), "escaped to " + parent.resolve("evil"));
        }
    }

    private void awaitWithinBudget(Store store, long budget) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + (enforcesMaxSizeSynchronously() ? 0 : TimeUnit.SECONDS.toNanos(10));
        while (true) {
            long size = store.stats().sizeBytes();
            if (size <= budget) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                fail("store holds " + size + " bytes, over its budget of " + budget);
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling a remote store's eventual budget, with a deadline
        }
    }

    private static void assertNotNullView(Store view) {
        assertTrue(view != null, "namespace view");
    }

    private static Map<String, BlobSource> sources(Map<String, byte[]> blobs) {
        Map<String, BlobSource> out = new LinkedHashMap<>();
        blobs.forEach((k, v) -> out.put(k, BlobSource.of(v)));
        return out;
    }

    private static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static Blob closeQuietly(Blob blob) {
        try {
            blob.close();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return blob;
    }

    private static BlobSource lying(long declared, byte[] actual) {
        return new BlobSource() {
            @Override
            public long size() {
                return declared;
            }

            @Override
            public InputStream open() {
                return new java.io.ByteArrayInputStream(actual);
            }
        };
    }

    /**
     * @param in a stream, closed here
     * @return the hex SHA-256 of its content, read in chunks
     * @throws IOException when reading fails
     */
    protected static String digest(InputStream in) throws IOException {
        try (in) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) != -1) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Deterministic pseudo-random bytes generated on the fly (xorshift), never buffered whole. */
    private static class PatternStream extends InputStream {
        private final long size;
        private long position;
        private long state;

        PatternStream(long size, long seed) {
            this.size = size;
            this.state = seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L;
            if (state == 0) {
                state = 1;
            }
        }

        long position() {
            return position;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                if (((position + i) & 7) == 0) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                }
                b[off + i] = (byte) (state >>> (((position + i) & 7) * 8));
            }
            position += n;
            return n;
        }
    }
}
