package dev.cairn.pool.cli;

import dev.cairn.pool.block.BlockFilePoolConfig;
import dev.cairn.pool.block.BlockFilePoolFactory;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.testkit.FakeHostContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cairn pool}: status and a self-test through a real block pool on a regular file. */
class PoolCommandTest {
    @TempDir
    Path home;
    FakeHostContext ctx;
    FilePool pool;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandIo io;

    @BeforeEach
    void setUp() throws Exception {
        ctx = new FakeHostContext(home).withFileIo(testIo());
        pool = new BlockFilePoolFactory().create(new BlockFilePoolConfig(null, "pool.img", DataSize.parse("16MiB"),
                null, null), ctx);
        ctx.withFilePool(pool);
        io = new CommandIo(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    /** A FileChannel-backed I/O mode standing in for the host's {@code io.mode}. */
    private static FileIoProcessorFactory testIo() {
        return dev.cairn.pool.block.TestIo.buffered();
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.close();
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void selftestWritesReadsAndFrees() throws Exception {
        assertEquals(0, new PoolCommand().run(List.of("selftest", "--bytes", "3MiB"), io, ctx), err());
        assertTrue(out().startsWith("pool selftest OK: wrote and read back 3145728 bytes after a 1048576-byte hole"),
                out());
        // 3 MiB of data in 4 KiB sectors while the test file was open; the hole cost nothing.
        assertTrue(out().contains("sectorsUsed: 768"), out());
        assertTrue(out().contains("allocator: bitmap"), out());
        assertEquals(0L, pool.status().get("sectorsUsed"));
    }

    @Test
    void statusPrintsThePoolStatistics() throws Exception {
        assertEquals(0, new PoolCommand().run(List.of("status"), io, ctx));
        assertTrue(out().contains("sectors: 4096"), out());
        assertTrue(out().contains("largestFreeRun: 4096"), out());
    }

    @Test
    void helpAndUsageErrors() throws Exception {
        assertEquals(0, new PoolCommand().run(List.of("--help"), io, ctx));
        assertTrue(out().startsWith("Usage: cairn pool status"), out());
        assertEquals(2, new PoolCommand().run(List.of(), io, ctx));
        assertEquals(2, new PoolCommand().run(List.of("frobnicate"), io, ctx));
        assertTrue(err().contains("cairn pool: unknown subcommand 'frobnicate'; expected status or selftest"), err());
        assertEquals(2, new PoolCommand().run(List.of("selftest", "--bytes", "lots"), io, ctx));
        assertTrue(err().contains("cairn pool: --bytes: not a size"), err());
    }
}
