package dev.cairn.bench.alloc;

import dev.cairn.io.BufferedFileIoFactory;
import dev.cairn.io.DirectFileIoFactory;
import dev.cairn.pool.block.BlockFilePoolConfig;
import dev.cairn.pool.block.BlockFilePoolFactory;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.testkit.FakeHostContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Sequential write and read of {@code bytes} in 1 MiB calls through a {@code block} pool (buffered I/O) and, as the
 * baseline, through a {@link FileChannel} on a file of the same size. Page cache, no fsync, on both sides.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PoolBenchmark {
    static final int CHUNK = 1 << 20;

    @Param({"1073741824"})
    public long bytes;

    @Param({"bitmap", "first-fit"})
    public String allocator;

    /** The pool's io.mode ({@code -p ioMode=direct} for O_DIRECT); the FileChannel baseline is always buffered. */
    @Param({"buffered"})
    public String ioMode;

    Path dir;
    FilePool pool;
    PoolFile readFile;
    FileChannel channel;
    final ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir"))),
                "pool-bench");
        long size = 2 * bytes + 64L * CHUNK;
        FakeHostContext ctx = new FakeHostContext(dir).withFileIo(
                ioMode.equals("direct") ? new DirectFileIoFactory() : new BufferedFileIoFactory());
        pool = new BlockFilePoolFactory().create(new BlockFilePoolConfig(allocator, "pool.img",
                DataSize.ofBytes(size), null, null), ctx);
        channel = FileChannel.open(dir.resolve("plain.img"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        for (int i = 0; i < CHUNK; i++) {
            buffer.put(i, (byte) (i * 7));
        }
        readFile = pool.newFile();
        for (long off = 0; off < bytes; off += CHUNK) {
            readFile.writeAt(buffer.clear(), off);
        }
        for (long off = 0; off < bytes; off += CHUNK) {
            write(buffer.clear(), off);
        }
    }

    private void write(ByteBuffer b, long off) throws IOException {
        while (b.hasRemaining()) {
            off += channel.write(b, off);
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        readFile.close();
        pool.close();
        channel.close();
        Files.deleteIfExists(dir.resolve("pool.img"));
        Files.deleteIfExists(dir.resolve("plain.img"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public long poolWrite() throws IOException {
        try (PoolFile f = pool.newFile()) {
            for (long off = 0; off < bytes; off += CHUNK) {
                f.writeAt(buffer.clear(), off);
            }
            return f.size();
        }
    }

    @Benchmark
    public long channelWrite() throws IOException {
        for (long off = 0; off < bytes; off += CHUNK) {
            write(buffer.clear(), off);
        }
        return channel.size();
    }

    @Benchmark
    public long poolRead() throws IOException {
        long sum = 0;
        for (long off = 0; off < bytes; off += CHUNK) {
            buffer.clear();
            sum += readFile.readAt(buffer, off);
        }
        return sum;
    }

    @Benchmark
    public long channelRead() throws IOException {
        long sum = 0;
        for (long off = 0; off < bytes; off += CHUNK) {
            buffer.clear();
            while (buffer.hasRemaining()) {
                int n = channel.read(buffer, off + buffer.position());
                if (n < 0) {
                    break;
                }
            }
            sum += buffer.position();
        }
        return sum;
    }
}
