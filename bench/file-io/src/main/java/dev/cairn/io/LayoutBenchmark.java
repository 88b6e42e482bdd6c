package dev.cairn.io;

import dev.cairn.spi.io.Interval;
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
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Reading the layout of a heavily fragmented file (4 KiB data, 4 KiB hole, repeated): SEEK_DATA/SEEK_HOLE vs FIEMAP. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LayoutBenchmark {
    @Param({"10000", "100000"})
    public int extents;

    @Param({"SEEK", "FIEMAP", "AUTO"})
    public String method;

    private Path file;
    private NativeFileIoProcessor io;
    private LayoutMethod layoutMethod;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path dir = Path.of(System.getProperty("bench.dir", "target"));
        Files.createDirectories(dir);
        file = dir.resolve("fragmented-" + extents + ".img");
        layoutMethod = LayoutMethod.valueOf(method);
        io = NativeFileIoProcessor.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE), false);
        if (io.size() != 8192L * extents) {
            io.truncate(0);
            ByteBuffer block = io.allocate(4096);
            for (long i = 0; i < extents; i++) {
                io.writeAt(block.clear(), i * 8192);
            }
            io.truncate(8192L * extents);
            io.sync();
        }
        List<Interval> layout = io.dataLayout(layoutMethod);
        if (layout.size() != 2 * extents) {
            throw new IllegalStateException("expected " + 2 * extents + " intervals, got " + layout.size());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        io.close();
    }

    @Benchmark
    public int layout() throws IOException {
        return io.dataLayout(layoutMethod).size();
    }
}
