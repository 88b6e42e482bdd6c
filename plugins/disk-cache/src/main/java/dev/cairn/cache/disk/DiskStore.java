package dev.cairn.cache.disk;

import dev.cairn.spi.MetricSample;
import dev.cairn.spi.StatusSource;
import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.BlobTooLargeException;
import dev.cairn.spi.store.CleanResult;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * One view of a disk store: the root view ({@code main/}) or a namespace ({@code ns/<name>/}), each with its own
 * index, budget and statistics, all sharing one {@link DiskRoot}.
 *
 * <p>Writes stream each blob into a unique temp file after reserving the entry's size in the view's budget
 * (evicting least recently used entries to make room), fsync it, and rename it into place; the index is updated with
 * the rename, so readers only ever see whole entries. Reads update the in-memory LRU order at once and the entry
 * file's modification time (its persisted access time) at most once per 10 s, which is what orders eviction after a
 * restart.
 */
final class DiskStore implements Store, StatusSource {
    private static final Logger LOG = LoggerFactory.getLogger(DiskStore.class);
    private static final int COPY_BUFFER = 256 * 1024;
    /** Entries up to this size are read whole by {@link #getBytes}. */
    private static final int SMALL_ENTRY = 64 * 1024;
    /**
     * Access times are written to disk (as the file's mtime) at most this often per entry, so a hot entry costs one
     * metadata write per 10 s rather than one per hit; LRU order after a restart is exact to this resolution.
     */
    private static final long ACCESS_PERSIST_MILLIS = 10_000;

    private final DiskRoot root;
    private final String namespace;
    private final Path dir;
    private final EntryIndex index;
    private final Map<String, DiskStore> namespaces;
    private final Set<String> shards = ConcurrentHashMap.newKeySet();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong puts = new AtomicLong();
    private final AtomicLong dedupedPuts = new AtomicLong();
    private final AtomicLong lastSweepMillis;
    private long recoveredEntries;

    private DiskStore(DiskRoot root, String namespace, Path dir, long maxSize, Map<String, DiskStore> namespaces) {
        this.root = root;
        this.namespace = namespace;
        this.dir = dir;
        this.namespaces = namespaces;
        this.index = new EntryIndex(describeView(root, namespace), this::entryPath, maxSize, root.memory);
        this.lastSweepMillis = new AtomicLong(root.clock.millis());
    }

    /**
     * Opens a store directory: takes its lock, removes temp files, checks every entry (removing partial or corrupt
     * ones) and rebuilds the LRU order from the entries' access times.
     *
     * @param dir the store directory
     * @param config the configuration
     * @param clock the clock for access times and ages
     * @return the root view
     * @throws IOException when the directory cannot be used
     */
    static DiskStore open(Path dir, DiskStoreConfig config, java.time.Clock clock) throws IOException {
        DiskRoot root = DiskRoot.open(dir, config, clock);
        try {
            DiskStore main = new DiskStore(root, null, root.dir.resolve("main"), config.maxSize().bytes(),
                    new TreeMap<>());
            main.load();
            Path ns = root.dir.resolve("ns");
            List<Path> found = new ArrayList<>();
            try (DirectoryStream<Path> children = Files.newDirectoryStream(ns)) {
                children.forEach(found::add);
            }
            found.sort(Comparator.naturalOrder());
            for (Path p : found) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && NAMESPACE_PATTERN.matcher(name).matches()) {
                    main.namespaceView(name);
                } else {
                    LOG.warn("disk store {}: removing {}, which is not a namespace", root.dir, p);
                    removeForeign(p);
                }
            }
            main.sweepIfDue(true);
            return main;
        } catch (IOException | RuntimeException e) {
            root.close();
            throw e;
        }
    }

    private static String describeView(DiskRoot root, String namespace) {
        return "disk:" + root.dir + (namespace == null ? "" : " namespace " + namespace);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reads

    /**
     * An entry found through the index, and the access that found it: either its bytes from the small-entry cache
     * ({@code cached}, no file opened) or its open file ({@code channel}).
     */
    private record Opened(FileChannel channel, Path path, EntryIndex.Info info, long now,
                          SmallEntryCache.Cached cached) {
    }

    /** Finds an entry in the index (counting the access) and opens its file unless cached; null when absent. */
    private Opened openEntry(String key) throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            long now = root.clock.millis();
            EntryIndex.Info info = index.touch(key, now);
            if (info == null) {
                return null;
            }
            SmallEntryCache.Cached cached = info.cached;
            Path path = info.path;
            if (cached != null) {
                return new Opened(null, path, info, now, cached);
            }
            try {
                return new Opened(FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS), path,
                        info, now, null);
            } catch (NoSuchFileException e) {
                // evicted or replaced between the index and the open: look again
            }
        }
        return null;
    }

    /**
     * Reads a small entry file whole with one positional read and checks it against the index's length.
     *
     * @return the entry's bytes (admitted to the small-entry cache when it has room), or null when the file is not
     *     the length the index says (replaced meanwhile): the caller then reads it through the channel
     * @throws EntryFormat.CorruptEntryException when the header is malformed
     */
    private SmallEntryCache.Cached readSmall(Opened opened) throws IOException {
        FileChannel ch = opened.channel();
        int length = (int) opened.info().size;
        // One byte more than expected detects a file longer than the index says.
        ByteBuffer buf = ByteBuffer.allocate(length + 1);
        while (buf.hasRemaining() && ch.read(buf, buf.position()) >= 0) {
            // read the whole entry
        }
        if (buf.position() != length) {
            return null;
        }
        EntryFormat.Header header = EntryFormat.parse(ByteBuffer.wrap(buf.array(), 0, length));
        if (header.fileLength() != length) {
            return null;
        }
        // The array keeps its spare byte: blobs are addressed by offset, and copying would cost more than it saves.
        SmallEntryCache.Cached cached = new SmallEntryCache.Cached(header, buf.array());
        root.memory.admit(opened.info(), cached);
        return cached;
    }

    /** Serves a blob of a small entry already in memory; counts the hit or miss. */
    private Optional<Blob> memoryBlob(Opened opened, SmallEntryCache.Cached cached, String name) {
        Optional<EntryFormat.BlobRef> ref = cached.header().find(name);
        if (ref.isEmpty()) {
            misses.incrementAndGet();
            return Optional.empty();
        }
        persistAccess(opened.path(), opened.info(), opened.now());
        hits.incrementAndGet();
        return Optional.of(new MemoryBlob(cached.file(), (int) ref.get().offset(), (int) ref.get().size()));
    }

    /** {@link #getBytes} of a small entry already in memory: a copy, as the caller may change it. */
    private Optional<byte[]> copyOf(Opened opened, SmallEntryCache.Cached cached, String name) {
        Optional<EntryFormat.BlobRef> ref = cached.header().find(name);
        if (ref.isEmpty()) {
            misses.incrementAndGet();
            return Optional.empty();
        }
        persistAccess(opened.path(), opened.info(), opened.now());
        hits.incrementAndGet();
        int from = (int) ref.get().offset();
        return Optional.of(java.util.Arrays.copyOfRange(cached.file(), from, from + (int) ref.get().size()));
    }

    private void dropCorrupt(String key, EntryIndex.Info info, EntryFormat.CorruptEntryException e)
            throws IOException {
        if (index.deleteIf(key, info)) { // not if a new entry replaced the corrupt one meanwhile
            LOG.warn("{}: removed corrupt entry {}: {}", describe(), key, e.getMessage());
        }
    }

    @Override
    public Optional<Blob> get(String key, String name) throws IOException {
        checkKey(key);
        Store.checkName(name);
        root.checkOpen();
        Opened opened = openEntry(key);
        if (opened == null) {
            misses.incrementAndGet();
            return Optional.empty();
        }
        if (opened.cached() != null) {
            return memoryBlob(opened, opened.cached(), name);
        }
        FileChannel ch = opened.channel();
        try {
            if (opened.info().size <= SmallEntryCache.MAX_ENTRY) {
                SmallEntryCache.Cached small = readSmall(opened);
                if (small != null) {
                    ch.close();
                    return memoryBlob(opened, small, name);
                }
            }
            EntryFormat.Header header = EntryFormat.read(ch);
            checkLength(ch.size(), header);
            Optional<EntryFormat.BlobRef> ref = header.find(name);
            if (ref.isEmpty()) {
                ch.close();
                misses.incrementAndGet();
                return Optional.empty();
            }
            persistAccess(opened.path(), opened.info(), opened.now());
            hits.incrementAndGet();
            return Optional.of(new EntryBlob(ch, ref.get().offset(), ref.get().size()));
        } catch (EntryFormat.CorruptEntryException e) {
            ch.close();
            dropCorrupt(key, opened.info(), e);
            misses.incrementAndGet();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** {@link Store#checkKey} without a regex on the hot path; the same rule, and the same error when broken. */
    private static void checkKey(String key) {
        int n = key == null ? 0 : key.length();
        boolean ok = n >= 2 && n <= 128 && isAlnum(key.charAt(0));
        for (int i = 1; ok && i < n; i++) {
            char c = key.charAt(i);
            ok = isAlnum(c) || c == '_' || c == '-';
        }
        if (!ok) {
            Store.checkKey(key);
            throw new IllegalArgumentException("invalid key '" + key + "'"); // unreachable if the rules agree
        }
    }

    private static boolean isAlnum(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static void checkLength(long actual, EntryFormat.Header header) throws EntryFormat.CorruptEntryException {
        if (actual != header.fileLength()) {
            throw new EntryFormat.CorruptEntryException("length " + actual + ", header says " + header.fileLength());
        }
    }

    /**
     * Reads a small blob straight into an array of its exact size; an entry of up to 64 KiB is read with a single
     * positional read (header and data together).
     */
    @Override
    public Optional<byte[]> getBytes(String key, String name) throws IOException {
        checkKey(key);
        Store.checkName(name);
        root.checkOpen();
        Opened opened = openEntry(key);
        if (opened == null) {
            misses.incrementAndGet();
            return Optional.empty();
        }
        if (opened.cached() != null) {
            return copyOf(opened, opened.cached(), name);
        }
        try (FileChannel ch = opened.channel()) {
            if (opened.info().size <= SmallEntryCache.MAX_ENTRY) {
                SmallEntryCache.Cached small = readSmall(opened);
                if (small != null) {
                    return copyOf(opened, small, name);
                }
            }
            // Entry files never change once renamed into place, so the index's length is the file's; a short read
            // below means a corrupt file. No fstat needed.
            long length = opened.info().size;
            ByteBuffer head = ByteBuffer.allocate((int) Math.min(Math.max(length, 1), SMALL_ENTRY));
            while (head.hasRemaining() && ch.read(head, head.position()) >= 0) {
                // read the whole small entry, or its first 64 KiB
            }
            head.flip();
            EntryFormat.Header header;
            try {
                header = EntryFormat.parse(head.duplicate());
            } catch (EntryFormat.CorruptEntryException e) {
                // The file may have been replaced by a larger entry after the index lookup: check it in full.
                header = EntryFormat.read(ch);
                checkLength(ch.size(), header);
            }
            Optional<EntryFormat.BlobRef> found = header.find(name);
            if (found.isEmpty()) {
                misses.incrementAndGet();
                return Optional.empty();
            }
            EntryFormat.BlobRef ref = found.get();
            if (ref.size() > Integer.MAX_VALUE - 8) {
                throw new IOException("blob " + key + "/" + name + " of " + ref.size()
                        + " bytes is too large for getBytes; use get() and stream it");
            }
            byte[] out = new byte[(int) ref.size()];
            int inHead = (int) Math.max(0, Math.min(ref.size(), head.limit() - ref.offset()));
            head.get((int) Math.min(ref.offset(), head.limit()), out, 0, inHead);
            ByteBuffer rest = ByteBuffer.wrap(out, inHead, out.length - inHead);
            while (rest.hasRemaining()) {
                if (ch.read(rest, ref.offset() + rest.position()) < 0) {
                    throw new EntryFormat.CorruptEntryException("entry file shorter than its header says");
                }
            }
            persistAccess(opened.path(), opened.info(), opened.now());
            hits.incrementAndGet();
            return Optional.of(out);
        } catch (EntryFormat.CorruptEntryException e) {
            dropCorrupt(key, opened.info(), e);
            misses.incrementAndGet();
            return Optional.empty();
        }
    }

    private void persistAccess(Path path, EntryIndex.Info info, long now) {
        if (now - info.persistedAccessMillis < ACCESS_PERSIST_MILLIS) {
            return;
        }
        info.persistedAccessMillis = now;
        try {
            Files.setLastModifiedTime(path, FileTime.fromMillis(now));
        } catch (NoSuchFileException e) {
            // evicted meanwhile: nothing to record
        } catch (IOException e) {
            LOG.debug("{}: cannot record access time of {}: {}", describe(), path, e.toString());
        }
    }

    @Override
    public boolean has(String key) throws IOException {
        checkKey(key);
        root.checkOpen();
        return index.contains(key);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writes

    @Override
    public void put(String key, Map<String, BlobSource> blobs) throws IOException {
        checkKey(key);
        requireNonNull(blobs, "blobs is null");
        if (blobs.isEmpty()) {
            throw new IllegalArgumentException("an entry needs at least one blob");
        }
        if (blobs.size() > EntryFormat.MAX_BLOBS) {
            throw new IllegalArgumentException("an entry has at most " + EntryFormat.MAX_BLOBS + " blobs, not "
                    + blobs.size());
        }
        // Sorted names: the file layout does not depend on the map's iteration order.
        TreeMap<String, BlobSource> sorted = new TreeMap<>();
        for (Map.Entry<String, BlobSource> e : blobs.entrySet()) {
            Store.checkName(e.getKey());
            sorted.put(e.getKey(), requireNonNull(e.getValue(), "blob source of '" + e.getKey() + "' is null"));
        }
        List<String> names = new ArrayList<>(sorted.keySet());
        List<Long> sizes = new ArrayList<>();
        long entrySize = EntryFormat.headerLength(names);
        long maxBlob = root.config.maxBlobSize().bytes();
        long budget = index.maxSize();
        for (String name : names) {
            long size = sorted.get(name).size();
            if (size < 0) {
                throw new IllegalArgumentException("blob '" + name + "' has a negative size " + size);
            }
            if (maxBlob > 0 && size > maxBlob) {
                throw new BlobTooLargeException("blob '" + name + "' of " + size + " bytes is larger than maxBlobSize "
                        + maxBlob + " of " + describe());
            }
            sizes.add(size);
            entrySize = entrySize + size;
            if (entrySize < 0 || (budget > 0 && entrySize > budget)) {
                throw new BlobTooLargeException("entry of " + (entrySize < 0 ? "more than 2^63" : entrySize)
                        + " bytes is larger than the budget " + budget + " of " + describe());
            }
        }
        root.checkOpen();
        String flightKey = (namespace == null ? "" : namespace) + "/" + key;
        while (true) {
            CompletableFuture<Void> mine = new CompletableFuture<>();
            CompletableFuture<Void> other = root.inFlight.putIfAbsent(flightKey, mine);
            if (other != null) {
                try {
                    other.get();
                    dedupedPuts.incrementAndGet();
                    return; // the same key was just written by another put: written once
                } catch (ExecutionException e) {
                    continue; // that write failed: try ours
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for a concurrent put of " + key);
                }
            }
            Throwable failure = null;
            try {
                write(key, names, sizes, sorted, entrySize);
                puts.incrementAndGet();
                return;
            } catch (IOException | RuntimeException | Error e) {
                failure = e;
                throw e;
            } finally {
                // Remove before completing: a put arriving after this one finished writes its own content.
                root.inFlight.remove(flightKey, mine);
                if (failure == null) {
                    mine.complete(null);
                } else {
                    mine.completeExceptionally(failure);
                }
                sweepIfDue(false);
            }
        }
    }

    private void write(String key, List<String> names, List<Long> sizes, Map<String, BlobSource> sources,
                       long entrySize) throws IOException {
        root.beginWrite();
        try {
            index.reserve(entrySize);
            Path tmp = root.newTempFile();
            boolean committed = false;
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer header = EntryFormat.encode(names, sizes);
                    byte[] buf = new byte[(int) Math.min(COPY_BUFFER, Math.max(1, entrySize))];
                    for (int i = 0; i < names.size(); i++) {
                        header = copy(names.get(i), sources.get(names.get(i)), sizes.get(i), ch, buf, header);
                    }
                    if (header != null) {
                        writeFully(ch, header); // entries whose blobs are all empty
                    }
                    if (ch.size() != entrySize) {
                        throw new IOException("wrote " + ch.size() + " bytes for an entry of " + entrySize);
                    }
                    if (root.config.fsync()) {
                        ch.force(true);
                    }
                }
                long now = root.clock.millis();
                // The file's mtime is its access time. The write just set it to the system time; set it explicitly
                // only when the store's clock disagrees (an injected clock), saving a metadata write per put.
                if (Math.abs(now - System.currentTimeMillis()) > ACCESS_PERSIST_MILLIS / 10) {
                    Files.setLastModifiedTime(tmp, FileTime.fromMillis(now));
                }
                Path target = entryPath(key);
                ensureShard(target.getParent());
                index.commit(key, entrySize, now,
                        () -> Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
                                StandardCopyOption.REPLACE_EXISTING));
                committed = true;
                if (root.config.fsync()) {
                    DiskRoot.fsyncDir(target.getParent());
                }
            } finally {
                if (!committed) {
                    index.release(entrySize);
                    Files.deleteIfExists(tmp);
                }
            }
        } finally {
            root.endWrite();
        }
    }

    /**
     * Streams one blob into the entry file, checking its declared size. The header (until written) goes out with the
     * first chunk in one gathering write.
     *
     * @return the header if still unwritten (the blob was empty), else null
     */
    private static ByteBuffer copy(String name, BlobSource source, long declared, FileChannel ch, byte[] buf,
                                   ByteBuffer header) throws IOException {
        long copied = 0;
        try (InputStream in = source.open()) {
            while (copied < declared) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, declared - copied));
                if (n < 0) {
                    throw new IOException("blob '" + name + "' ended after " + copied + " of its declared " + declared
                            + " bytes; nothing was stored");
                }
                ByteBuffer data = ByteBuffer.wrap(buf, 0, n);
                if (header != null) {
                    ByteBuffer[] both = {header, data};
                    while (data.hasRemaining()) {
                        ch.write(both);
                    }
                    header = null;
                } else {
                    writeFully(ch, data);
                }
                copied += n;
            }
            if (in.read() != -1) {
                throw new IOException("blob '" + name + "' is longer than its declared " + declared
                        + " bytes; nothing was stored");
            }
        }
        return header;
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private void ensureShard(Path shard) throws IOException {
        if (shards.contains(shard.getFileName().toString())) {
            return;
        }
        DiskRoot.createDurably(dir, root.config.fsync());
        DiskRoot.createDurably(shard, root.config.fsync());
        shards.add(shard.getFileName().toString());
    }

    @Override
    public boolean delete(String key) throws IOException {
        checkKey(key);
        root.checkOpen();
        return index.delete(key);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Budget and eviction

    @Override
    public StoreStats stats() throws IOException {
        root.checkOpen();
        synchronized (index) {
            return new StoreStats(index.used(), index.entries(), index.maxSize());
        }
    }

    @Override
    public CleanResult clean(long maxSize, Duration maxAge) throws IOException {
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must not be negative: " + maxSize);
        }
        root.checkOpen();
        long cutoff = maxAge == null ? Long.MIN_VALUE : root.clock.millis() - maxAge.toMillis();
        return index.clean(maxSize, cutoff);
    }

    @Override
    public boolean setMaxSize(long maxSize) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must not be negative: " + maxSize);
        }
        index.setMaxSize(maxSize);
        if (maxSize > 0) {
            try {
                index.clean(maxSize, Long.MIN_VALUE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return true;
    }

    /** Applies {@code maxAge} to every view, at most once per an eighth of it (and at least once a minute). */
    private void sweepIfDue(boolean force) {
        Duration maxAge = root.config.maxAge();
        if (maxAge == null || root.isClosed()) {
            return;
        }
        DiskStore main = namespace == null ? this : rootView();
        long now = root.clock.millis();
        long interval = Math.min(60_000, Math.max(1000, maxAge.toMillis() / 8));
        long last = main.lastSweepMillis.get();
        if (!force && now - last < interval || !main.lastSweepMillis.compareAndSet(last, now)) {
            return;
        }
        for (DiskStore view : main.views()) {
            try {
                CleanResult r = view.index.clean(Long.MAX_VALUE, now - maxAge.toMillis());
                if (r.entriesRemoved() > 0) {
                    LOG.debug("{}: removed {} entries older than {}", view.describe(), r.entriesRemoved(), maxAge);
                }
            } catch (IOException e) {
                LOG.warn("{}: age sweep failed: {}", view.describe(), e.toString());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Views

    @Override
    public Optional<Path> dir() {
        return Optional.of(dir);
    }

    @Override
    public Store namespace(String name) {
        Store.checkNamespace(name);
        if (root.isClosed()) {
            throw new IllegalStateException(describe() + " is closed");
        }
        try {
            return rootView().namespaceView(name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open namespace " + name + " of " + describe(), e);
        }
    }

    private DiskStore rootView() {
        return namespace == null ? this : requireNonNull(namespaces.get(""), "root view");
    }

    private DiskStore namespaceView(String name) throws IOException {
        synchronized (namespaces) {
            if (namespaces.isEmpty()) {
                namespaces.put("", this); // lets namespace views find the root view
            }
            DiskStore view = namespaces.get(name);
            if (view == null) {
                view = new DiskStore(root, name, root.dir.resolve("ns").resolve(name), root.config.budgetOf(name),
                        namespaces);
                DiskRoot.createDurably(view.dir, root.config.fsync());
                view.load();
                namespaces.put(name, view);
            }
            return view;
        }
    }

    private List<DiskStore> views() {
        List<DiskStore> all = new ArrayList<>();
        all.add(this);
        synchronized (namespaces) {
            namespaces.forEach((n, v) -> {
                if (!n.isEmpty()) {
                    all.add(v);
                }
            });
        }
        return all;
    }

    Path entryPath(String key) {
        return dir.resolve(key.substring(0, 2)).resolve(key);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Start-up

    /** Scans this view's folder: keeps whole entries in access order, removes anything else. */
    private void load() throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        record Found(String key, long size, long access) {
        }
        List<Found> found = new ArrayList<>();
        List<Path> shardDirs = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            children.forEach(shardDirs::add);
        }
        for (Path shard : shardDirs) {
            String shardName = shard.getFileName().toString();
            if (!Files.isDirectory(shard, LinkOption.NOFOLLOW_LINKS) || shardName.length() != 2) {
                removeForeign(shard);
                continue;
            }
            shards.add(shardName);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(shard)) {
                for (Path file : files) {
                    String key = file.getFileName().toString();
                    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (!attrs.isRegularFile() || !KEY_PATTERN.matcher(key).matches() || !key.startsWith(shardName)) {
                        removeForeign(file);
                        continue;
                    }
                    if (!isWholeEntry(file, attrs.size())) {
                        LOG.warn("{}: removing partial or corrupt entry {}", describe(), file);
                        Files.deleteIfExists(file);
                        recoveredEntries++;
                        continue;
                    }
                    found.add(new Found(key, attrs.size(), attrs.lastModifiedTime().toMillis()));
                }
            }
        }
        // Least recently used first; equal times (access is persisted at 10 s resolution) fall back to the key.
        found.sort(Comparator.comparingLong(Found::access).thenComparing(Found::key));
        for (Found f : found) {
            index.load(f.key, f.size, f.access);
        }
        if (recoveredEntries > 0) {
            LOG.info("{}: start-up recovery removed {} partial entries", describe(), recoveredEntries);
        }
    }

    private static boolean isWholeEntry(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return EntryFormat.read(ch).fileLength() == length;
        } catch (EntryFormat.CorruptEntryException e) {
            return false;
        }
    }

    private static void removeForeign(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            DiskRoot.deleteTree(p, true);
        } else {
            Files.deleteIfExists(p);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Status

    @Override
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", "disk");
        out.put("dir", root.dir.toString());
        out.putAll(viewStatus());
        Map<String, Object> ns = new TreeMap<>();
        for (DiskStore view : rootView().views()) {
            if (view.namespace != null) {
                ns.put(view.namespace, view.viewStatus());
            }
        }
        out.put("namespaces", ns);
        out.put("recoveredTempFiles", root.recoveredTempFiles());
        out.put("memoryCacheBytes", root.memory.used());
        out.put("memoryCacheMaxBytes", root.memory.budget());
        return out;
    }

    private Map<String, Object> viewStatus() {
        Map<String, Object> out = new LinkedHashMap<>();
        synchronized (index) {
            out.put("sizeBytes", index.used());
            out.put("entries", index.entries());
            out.put("maxSizeBytes", index.maxSize());
            out.put("reservedBytes", index.reserved());
            out.put("evictions", index.evictions());
        }
        out.put("hits", hits.get());
        out.put("misses", misses.get());
        out.put("puts", puts.get());
        out.put("dedupedPuts", dedupedPuts.get());
        out.put("recoveredEntries", recoveredEntries);
        return out;
    }

    @Override
    public List<MetricSample> metrics() {
        List<MetricSample> out = new ArrayList<>();
        for (DiskStore view : rootView().views()) {
            Map<String, String> labels = Map.of("dir", root.dir.toString(),
                    "namespace", view.namespace == null ? "" : view.namespace);
            out.add(new MetricSample("cairn_disk_store_bytes", "Bytes held by complete entries", "gauge", labels,
                    view.index.used()));
            out.add(new MetricSample("cairn_disk_store_entries", "Complete entries", "gauge", labels,
                    view.index.entries()));
            out.add(new MetricSample("cairn_disk_store_max_bytes", "Budget, 0 for unlimited", "gauge", labels,
                    view.index.maxSize()));
            out.add(new MetricSample("cairn_disk_store_hits_total", "Reads that found a blob", "counter", labels,
                    view.hits.get()));
            out.add(new MetricSample("cairn_disk_store_misses_total", "Reads that found nothing", "counter", labels,
                    view.misses.get()));
            out.add(new MetricSample("cairn_disk_store_evictions_total", "Entries evicted", "counter", labels,
                    view.index.evictions()));
        }
        return out;
    }

    /** @return keys from least to most recently used (tests) */
    List<String> lruOrder() {
        return index.lruOrder();
    }

    /** @return bytes of complete entries plus bytes reserved by writes in progress, read atomically (tests) */
    long usedAndReservedBytes() {
        return index.usedAndReserved();
    }

    /**
     * Runs a measurement while no entry can be committed or evicted (tests measure the disk consistently).
     *
     * @param measure what to run
     * @return its result
     */
    long whileIndexLocked(java.util.function.LongSupplier measure) {
        synchronized (index) {
            return measure.getAsLong();
        }
    }

    /** @return bytes of entry files held by the small-entry cache, across all views (tests) */
    long memoryCacheBytes() {
        return root.memory.used();
    }

    /** @return bytes reserved by writes in progress (tests) */
    long reservedBytes() {
        return index.reserved();
    }

    @Override
    public String describe() {
        return describeView(root, namespace);
    }

    /** Closes the store when called on the root view; closing a namespace view does nothing. */
    @Override
    public void close() throws IOException {
        if (namespace == null) {
            root.close();
        }
    }
}
