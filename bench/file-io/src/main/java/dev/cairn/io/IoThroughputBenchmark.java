package dev.cairn.io;

import dev.cairn.spi.io.FileIoProcessor;
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
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Sequential write (then fsync) and read of a whole file in 1 MiB calls through each I/O mode; one invocation is one
 * pass, so the score is milliseconds per pass (throughput = size / time). bench/file-io.sh runs fio with the same
 * pattern (psync, bs=1M, end_fsync) and prints the ratio.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class IoThroughputBenchmark {
    static final int BLOCK = 1 << 20;

    @Param({"buffered", "direct"})
    public String mode;

    @Param({"1073741824"})
    public long bytes;

    private Path file;
    private FileIoProcessor io;
    private ByteBuffer buffer;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path dir = Path.of(System.getProperty("bench.dir", "target"));
        Files.createDirectories(dir);
        file = dir.resolve("io-throughput-" + mode + ".bin");
        io = (mode.equals("direct") ? new DirectFileIoFactory() : new BufferedFileIoFactory())
                .open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE));
        buffer = io.allocate(BLOCK);
        byte[] random = new byte[BLOCK];
        new Random(1).nextBytes(random);
        buffer.put(random).flip();
        write();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        io.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    public long write() throws IOException {
        for (long pos = 0; pos < bytes; pos += BLOCK) {
            io.writeAt(buffer.clear(), pos);
        }
        io.sync();
        return bytes;
    }

    @Benchmark
    public long read() throws IOException {
        long total = 0;
        for (long pos = 0; pos < bytes; pos += BLOCK) {
            total += io.readAt(buffer.clear(), pos);
        }
        return total;
    }
}
