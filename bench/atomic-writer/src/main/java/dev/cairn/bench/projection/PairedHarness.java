package dev.cairn.bench.projection;

import dev.cairn.projection.AtomicWriter;
import dev.cairn.projection.PayloadFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A plain harness beside the JMH run: alternates one atomic update and one naive in-place update of the same
 * payload, so both see the same machine load (the JMH run measures them minutes apart, which on a shared machine
 * skews the ratio), and prints median and p99 of each and their ratio. Settings: {@code -Dbench.rounds=100
 * -Dbench.dir=/tmp}.
 */
public final class PairedHarness {
    private PairedHarness() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = Integer.getInteger("bench.rounds", 100);
        Path base = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
        System.out.println("paired harness in " + base + ", " + rounds + " rounds per size (1 KiB files, all changed)");
        System.out.printf("%-6s | %14s %14s | %14s %14s | %10s %10s%n", "files", "atomic p50 us", "atomic p99 us",
                "naive p50 us", "naive p99 us", "p50 ratio", "p99 ratio");
        for (int files : new int[] {100, 1000}) {
            Path root = Files.createTempDirectory(Files.createDirectories(base), "atomic-writer-paired");
            AtomicWriter writer = new AtomicWriter(root.resolve("projected"));
            Path naive = root.resolve("naive");
            Map<String, PayloadFile> a = payload(files, (byte) 'a');
            Map<String, PayloadFile> b = payload(files, (byte) 'b');
            for (String p : a.keySet()) {
                Files.createDirectories(naive.resolve(p).getParent());
            }
            int warmup = Math.max(20, rounds / 5);
            long[] atomic = new long[rounds];
            long[] inPlace = new long[rounds];
            for (int i = -warmup; i < rounds; i++) {
                Map<String, PayloadFile> p = (i & 1) == 0 ? a : b;
                long t0 = System.nanoTime();
                writer.write(p);
                long t1 = System.nanoTime();
                writeInPlace(naive, p);
                long t2 = System.nanoTime();
                if (i >= 0) {
                    atomic[i] = t1 - t0;
                    inPlace[i] = t2 - t1;
                }
            }
            Arrays.sort(atomic);
            Arrays.sort(inPlace);
            double a50 = pct(atomic, 50);
            double a99 = pct(atomic, 99);
            double n50 = pct(inPlace, 50);
            double n99 = pct(inPlace, 99);
            System.out.printf("%-6d | %14.1f %14.1f | %14.1f %14.1f | %9.2fx %9.2fx%n", files, a50, a99, n50, n99,
                    a50 / n50, a99 / n99);
            delete(root);
        }
    }

    private static double pct(long[] sorted, int p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1000.0;
    }

    private static Map<String, PayloadFile> payload(int files, byte fill) {
        Map<String, PayloadFile> m = new TreeMap<>();
        for (int i = 0; i < files; i++) {
            byte[] bytes = new byte[1024];
            Arrays.fill(bytes, fill);
            m.put("dir" + (i % 10) + "/file" + i + ".txt", PayloadFile.of(bytes, 0644));
        }
        return m;
    }

    private static void writeInPlace(Path dir, Map<String, PayloadFile> payload) throws IOException {
        for (Map.Entry<String, PayloadFile> e : payload.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue().bytes(), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        }
    }

    private static void delete(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
