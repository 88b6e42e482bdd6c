package dev.cairn.pool.block;

import dev.cairn.io.BufferedFileIoFactory;
import dev.cairn.io.DirectFileIoFactory;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.pool.RegionType;
import dev.cairn.testkit.FakeHostContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The {@code block} pool on a real regular file through the host's real I/O modes: {@code buffered}, and
 * {@code direct} (O_DIRECT, 4 KiB alignment), where unaligned file writes must become aligned device I/O.
 */
class BlockFilePoolRealIoTest {
    @TempDir
    Path home;

    @ParameterizedTest
    @ValueSource(strings = {"buffered", "direct"})
    void unalignedWritesReadsAndTruncatesRoundTrip(String mode) throws Exception {
        FileIoProcessorFactory io = mode.equals("direct") ? new DirectFileIoFactory() : new BufferedFileIoFactory();
        assertEquals(mode, io.name());
        FakeHostContext ctx = new FakeHostContext(home).withFileIo(io);
        try (FilePool pool = new BlockFilePoolFactory().create(new BlockFilePoolConfig("bitmap", "pool.img",
                DataSize.parse("4MiB"), null, null), ctx)) {
            assertEquals(mode, pool.status().get("ioMode"));
            byte[] expected = new byte[300_000];
            Random random = new Random(7);
            try (PoolFile f = pool.newFile()) {
                // Odd offsets and lengths, overlapping, with a hole at the start.
                int[][] writes = {{10_000, 5_000}, {12_345, 100_001}, {150_000, 1}, {4_095, 2}, {200_000, 99_999}};
                for (int[] w : writes) {
                    byte[] chunk = new byte[w[1]];
                    random.nextBytes(chunk);
                    f.writeAt(ByteBuffer.wrap(chunk), w[0]);
                    System.arraycopy(chunk, 0, expected, w[0], w[1]);
                }
                assertEquals(299_999, f.size());
                byte[] got = new byte[299_999];
                ByteBuffer dst = ByteBuffer.wrap(got);
                while (dst.hasRemaining()) {
                    f.readAt(dst, dst.position());
                }
                assertArrayEquals(Arrays.copyOf(expected, 299_999), got);
                assertEquals(0, f.nextRegionOffset(0, RegionType.DATA)); // 4095..4096 lives in sector index 0
                f.truncate(12_346);
                f.truncate(20_000);
                byte[] tail = new byte[20_000];
                f.readAt(ByteBuffer.wrap(tail), 0);
                byte[] want = Arrays.copyOf(Arrays.copyOf(expected, 12_346), 20_000);
                assertArrayEquals(want, tail);
                assertEquals(4L, pool.status().get("sectorsUsed")); // 20_000 bytes: sector indices 0..3 written
            }
            assertEquals(0L, pool.status().get("sectorsUsed"));
        }
        assertEquals(4L << 20, Files.size(home.resolve("pool.img")));
    }
}
