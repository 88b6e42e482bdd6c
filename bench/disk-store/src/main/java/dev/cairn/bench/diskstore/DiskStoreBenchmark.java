package dev.cairn.bench.diskstore;

import dev.cairn.cache.disk.DiskStoreConfig;
import dev.cairn.cache.disk.DiskStoreFactory;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.store.Store;
import dev.cairn.testkit.FakeHostContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Put and get throughput of the {@code disk} store against the plainest peer: {@code Files.write} and
 * {@code Files.readAllBytes} of one file per key in the same sharded layout (no temp file, no fsync, no rename, no
 * index). Both rotate over {@value #KEYS} keys, so puts overwrite and the data set stays bounded.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DiskStoreBenchmark {
    static final int KEYS = 256;

    static String key(long i) {
        return String.format("%02x%062x", i % KEYS, i % KEYS);
    }

    static Path tempDir(String prefix) throws IOException {
        String base = System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(Path.of(base), prefix);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The disk store, with or without fsync. */
    @State(Scope.Benchmark)
    public static class StoreState {
        @Param({"4096", "1048576"})
        int size;
        @Param({"false", "true"})
        boolean fsync;
        Path dir;
        Store store;
        byte[] value;
        long next;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            dir = tempDir("cairn-bench-store");
            value = new byte[size];
            new Random(1).nextBytes(value);
            DiskStoreConfig config = new DiskStoreConfig(dir.resolve("store").toString(), DataSize.ofBytes(0), null,
                    null, null, null, fsync);
            store = new DiskStoreFactory().create(config, new FakeHostContext(dir));
            for (int i = 0; i < KEYS; i++) {
                store.put(key(i), "output", value);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            store.close();
            deleteTree(dir);
        }
    }

    /** Plain files, one per key. */
    @State(Scope.Benchmark)
    public static class BaselineState {
        @Param({"4096", "1048576"})
        int size;
        Path dir;
        byte[] value;
        long next;

        Path path(long i) {
            String key = key(i);
            return dir.resolve(key.substring(0, 2)).resolve(key);
        }

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            dir = tempDir("cairn-bench-files");
            value = new byte[size];
            new Random(1).nextBytes(value);
            for (int i = 0; i < KEYS; i++) {
                Files.createDirectories(path(i).getParent());
                Files.write(path(i), value);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            deleteTree(dir);
        }
    }

    @Benchmark
    public void putStore(StoreState s) throws IOException {
        s.store.put(key(s.next++), "output", s.value);
    }

    @Benchmark
    public byte[] getStore(StoreState s) throws IOException {
        return s.store.getBytes(key(s.next++), "output").orElseThrow();
    }

    @Benchmark
    public void putFiles(BaselineState s) throws IOException {
        Files.write(s.path(s.next++), s.value);
    }

    @Benchmark
    public byte[] getFiles(BaselineState s) throws IOException {
        return Files.readAllBytes(s.path(s.next++));
    }
}
