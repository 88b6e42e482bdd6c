package dev.cairn.bench.diskstore;

import dev.cairn.cache.disk.DiskStoreConfig;
import dev.cairn.cache.disk.DiskStoreFactory;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.store.Store;
import dev.cairn.testkit.FakeHostContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A load-robust cross-check of the JMH numbers: on a shared, busy machine, runs the store and the plain-file peer in
 * alternating 100 ms slices and reports the median of the per-round ratios, so both sides see the same load.
 * Usage: {@code java -cp benchmarks.jar dev.cairn.bench.diskstore.InterleavedComparison [rounds]}.
 */
public final class InterleavedComparison {
    private InterleavedComparison() {
    }

    interface Op {
        void run(long i) throws IOException;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        System.out.printf("%-4s %-6s %-6s %14s %14s %8s%n", "op", "size", "fsync", "disk store/s", "Files.*/s",
                "median ratio");
        for (int size : new int[]{4096, 1 << 20}) {
            for (boolean fsync : new boolean[]{false, true}) {
                Path dir = DiskStoreBenchmark.tempDir("cairn-interleaved");
                try {
                    byte[] value = new byte[size];
                    new Random(1).nextBytes(value);
                    DiskStoreConfig config = new DiskStoreConfig(dir.resolve("store").toString(), DataSize.ofBytes(0),
                            null, null, null, null, fsync);
                    try (Store store = new DiskStoreFactory().create(config, new FakeHostContext(dir))) {
                        Path files = dir.resolve("files");
                        for (int i = 0; i < DiskStoreBenchmark.KEYS; i++) {
                            store.put(DiskStoreBenchmark.key(i), "output", value);
                            Path p = path(files, i);
                            Files.createDirectories(p.getParent());
                            Files.write(p, value);
                        }
                        compare("get", size, fsync, rounds,
                                i -> store.getBytes(DiskStoreBenchmark.key(i), "output").orElseThrow(),
                                i -> Files.readAllBytes(path(files, i)));
                        compare("put", size, fsync, rounds,
                                i -> store.put(DiskStoreBenchmark.key(i), "output", value),
                                i -> Files.write(path(files, i), value));
                    }
                } finally {
                    DiskStoreBenchmark.deleteTree(dir);
                }
            }
        }
    }

    private static Path path(Path files, long i) {
        String key = DiskStoreBenchmark.key(i);
        return files.resolve(key.substring(0, 2)).resolve(key);
    }

    private static void compare(String name, int size, boolean fsync, int rounds, Op store, Op peer)
            throws IOException {
        List<Double> ratios = new ArrayList<>();
        double storeOps = 0;
        double peerOps = 0;
        long[] counter = {0};
        slice(store, counter); // warm-up
        slice(peer, counter);
        for (int r = 0; r < rounds; r++) {
            double s = slice(store, counter);
            double p = slice(peer, counter);
            storeOps += s;
            peerOps += p;
            ratios.add(s / p);
        }
        Collections.sort(ratios);
        System.out.printf("%-4s %-6s %-6s %14.0f %14.0f %8.2f%n", name, size == 4096 ? "4 KiB" : "1 MiB", fsync,
                storeOps / rounds, peerOps / rounds, ratios.get(ratios.size() / 2));
    }

    /** @return operations per second over a 100 ms slice */
    private static double slice(Op op, long[] counter) throws IOException {
        long start = System.nanoTime();
        long end = start + 100_000_000L;
        long n = 0;
        long now;
        do {
            op.run(counter[0]++);
            n++;
            now = System.nanoTime();
        } while (now < end);
        return n * 1e9 / (now - start);
    }
}
