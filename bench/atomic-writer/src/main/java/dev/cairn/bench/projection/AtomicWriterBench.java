package dev.cairn.bench.projection;

import dev.cairn.projection.AtomicWriter;
import dev.cairn.projection.PayloadFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

/**
 * One update of an N-file payload (files of {@code fileBytes} bytes in 10 subdirectories): through the
 * {@link AtomicWriter} (new timestamped dir, {@code ..data} swap, old dir removed) versus the naive baseline that
 * truncates and rewrites every file in place (what a reader can see half-written). Two payloads alternate, so every
 * invocation is a real update; {@code changed=one} differs in one file only (the writer still writes a whole new
 * version; the naive baseline still rewrites everything), {@code changed=all} in every file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AtomicWriterBench {
    @Param({"100", "1000"})
    public int files;

    @Param({"all", "one"})
    public String changed;

    @Param({"1024"})
    public int fileBytes;

    private Path root;
    private AtomicWriter writer;
    private Path naiveDir;
    private Map<String, PayloadFile> payloadA;
    private Map<String, PayloadFile> payloadB;
    private boolean flip;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path base = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")));
        root = Files.createTempDirectory(Files.createDirectories(base), "atomic-writer-bench");
        writer = new AtomicWriter(root.resolve("projected"));
        naiveDir = root.resolve("naive");
        payloadA = payload('a', 'a');
        payloadB = payload('b', changed.equals("all") ? 'b' : 'a');
        writer.write(payloadA);
        for (String p : payloadA.keySet()) {
            Files.createDirectories(naiveDir.resolve(p).getParent());
        }
        writeInPlace(payloadA);
    }

    private Map<String, PayloadFile> payload(char first, char rest) {
        Map<String, PayloadFile> m = new TreeMap<>();
        for (int i = 0; i < files; i++) {
            byte[] bytes = new byte[fileBytes];
            java.util.Arrays.fill(bytes, (byte) (i == 0 ? first : rest));
            m.put("dir" + (i % 10) + "/file" + i + ".txt", PayloadFile.of(bytes, 0644));
        }
        return m;
    }

    @Benchmark
    public boolean atomicWriter() throws IOException {
        flip = !flip;
        return writer.write(flip ? payloadB : payloadA);
    }

    @Benchmark
    public int naiveInPlace() throws IOException {
        flip = !flip;
        return writeInPlace(flip ? payloadB : payloadA);
    }

    private int writeInPlace(Map<String, PayloadFile> payload) throws IOException {
        int n = 0;
        for (Map.Entry<String, PayloadFile> e : payload.entrySet()) {
            Files.write(naiveDir.resolve(e.getKey()), e.getValue().bytes(), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            n++;
        }
        return n;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
