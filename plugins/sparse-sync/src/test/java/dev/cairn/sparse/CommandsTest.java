package dev.cairn.sparse;

import dev.cairn.io.DirectFileIoFactory;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.command.PluginCommand;
import dev.cairn.spi.service.Service;
import dev.cairn.spi.service.ServiceFactory;
import dev.cairn.testkit.FakeHostContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import static dev.cairn.sparse.SparseFiles.K4;
import static dev.cairn.sparse.SparseFiles.M1;
import static dev.cairn.sparse.SparseFiles.layout;
import static dev.cairn.sparse.SparseFiles.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class CommandsTest {
    private Path dir;
    private Path src;
    private FakeHostContext ctx;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws IOException {
        dir = SparseFiles.tempDir();
        src = SparseFiles.create(dir.resolve("src.img"), 6 * M1, 1, 0, M1, 5 * M1, 2 * K4);
        ctx = new FakeHostContext(dir).withFileIo(SparseFiles.IO);
    }

    @AfterEach
    void tearDown() throws IOException {
        SparseFiles.delete(dir);
    }

    private int run(PluginCommand command, boolean terminal, String... args) throws Exception {
        out.reset();
        err.reset();
        CommandIo io = new CommandIo(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), terminal);
        return command.run(List.of(args), io, ctx);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void commandsAndServiceAreRegistered() {
        List<String> commands = new ArrayList<>();
        ServiceLoader.load(PluginCommand.class).forEach(c -> commands.add(c.name()));
        commands.sort(null);
        assertEquals(List.of("fold", "prune", "sync", "sync-server"), commands);
        List<String> services = new ArrayList<>();
        ServiceLoader.load(ServiceFactory.class).forEach(f -> services.add(f.name()));
        assertEquals(List.of("sync-server"), services);
    }

    @Test
    void localCopyPreservesHolesAndPrintsProgressAndSummary() throws Exception {
        Path dst = dir.resolve("copy.img");
        assertEquals(0, run(new SyncCommand(), false, src.toString(), dst.toString()));
        assertEquals(layout(src), layout(dst));
        assertEquals(sha256(src), sha256(dst));
        assertTrue(out().startsWith("sync: 6.0 MiB (1.0 MiB data): sent 1.0 MiB in 2 batches, 0 batches unchanged"),
                out());
        assertTrue(err().contains("sync: 100% scanned 6.0 MiB of 6.0 MiB, sent 1.0 MiB"), err());
        assertFalse(err().contains("\r"), "no bar without a terminal");

        assertEquals(0, run(new SyncCommand(), true, src.toString(), dst.toString()));
        assertTrue(out().contains("sent 0 B in 0 batches, 2 batches unchanged"), out());
        assertTrue(err().contains("\r[##############################] sync: 100%"), err());
    }

    @Test
    void syncToAServiceStartedByServe() throws Exception {
        Path root = dir.resolve("root");
        ServiceFactory<SyncServerConfig> f = new SyncServerFactory();
        Service service = f.create(new SyncServerConfig("127.0.0.1", 0, root.toString(), null, "tok", null), ctx);
        service.start();
        try {
            String url = ctx.listeners().get(0);
            assertEquals(0, run(new SyncCommand(), false, "--token", "tok", "--workers", "2", "--batch-size", "1MiB",
                    src.toString(), url + "/images/a.img"), err());
            assertEquals(layout(src), layout(root.resolve("images/a.img")));
            assertEquals(sha256(src), sha256(root.resolve("images/a.img")));
            assertTrue(out().contains("verified"), out());
            assertEquals(Long.valueOf(M1 + 2 * K4), service.status().get("bytesReceived"));

            assertEquals(1, run(new SyncCommand(), false, "--retries", "1", src.toString(), url + "/images/b.img"));
            assertTrue(err().startsWith("cairn sync: sync of "), err());
            assertTrue(err().contains("HTTP 401"), err());
        } finally {
            service.stop();
        }
    }

    @Test
    void standaloneSyncServerServesUntilStopped() throws Exception {
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger exit = new java.util.concurrent.atomic.AtomicInteger(-1);
        ByteArrayOutputStream serverErr = new ByteArrayOutputStream();
        CommandIo serverIo = new CommandIo(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(serverErr, true, StandardCharsets.UTF_8), false);
        Thread t = new Thread(() -> {
            try {
                exit.set(new SyncServerCommand(stop, false).run(List.of("--root", "served", "--port", "0",
                        "--idle-timeout", "30s"), serverIo, ctx));
            } catch (Exception e) {
                exit.set(99);
            }
        });
        t.start();
        try {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (ctx.listeners().isEmpty() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
            assertEquals(1, ctx.listeners().size(), "the server announced its URL");
            String url = ctx.listeners().get(0);
            assertEquals(0, run(new SyncCommand(), false, src.toString(), url + "/x.img"), err());
            assertEquals(sha256(src), sha256(dir.resolve("served/x.img")));
        } finally {
            stop.countDown();
            t.join(10_000);
        }
        assertEquals(0, exit.get());
        assertTrue(serverErr.toString(StandardCharsets.UTF_8).startsWith("sync-server: serving "));
    }

    @Test
    void usageErrorsExitWith2AndHelpWith0() throws Exception {
        assertEquals(0, run(new SyncCommand(), false, "--help"));
        assertTrue(out().startsWith("usage: cairn sync"), out());
        assertEquals(2, run(new SyncCommand(), false, src.toString()));
        assertTrue(err().startsWith("cairn sync: expected a source file and a target"), err());
        assertEquals(2, run(new SyncCommand(), false, "--batch-size", "1000", src.toString(), "x"));
        assertTrue(err().startsWith("cairn sync: batch size must be a positive multiple of 4096"), err());
        assertEquals(2, run(new SyncCommand(), false, "--bogus", src.toString(), "x"));
        assertEquals(1, run(new SyncCommand(), false, dir.resolve("missing").toString(), "x"));
        assertTrue(err().contains("is not a regular file"), err());
        assertEquals(1, run(new SyncCommand(), false, src.toString(), src.toString()));
        assertTrue(err().contains("same file"), err());
        assertEquals(0, run(new FoldCommand(), false, "--help"));
        assertEquals(2, run(new PruneCommand(), false, "only-one"));
        assertEquals(0, run(new SyncServerCommand(), false, "--help"));
        assertEquals(2, run(new SyncServerCommand(), false, "--port", "70000", "--root", "r"));
        assertTrue(err().startsWith("cairn sync-server: port: must be 0..65535"), err());
    }

    @Test
    void foldAndPruneCommands() throws Exception {
        Path parent = SparseFiles.create(dir.resolve("parent.img"), 4 * K4, 2, 0, 2 * K4);
        Path child = SparseFiles.create(dir.resolve("child.img"), 4 * K4, 3, K4, K4, 3 * K4, K4);
        Path pruned = dir.resolve("pruned.img");
        Files.copy(parent, pruned);
        assertEquals(0, run(new FoldCommand(), false, child.toString(), parent.toString()));
        assertEquals("fold: copied 8.0 KiB of child data onto the parent\n", out());
        assertEquals(SparseFiles.intervals(0, 2 * K4, dev.cairn.spi.io.Interval.Kind.DATA, 2 * K4, K4,
                dev.cairn.spi.io.Interval.Kind.HOLE, 3 * K4, K4, dev.cairn.spi.io.Interval.Kind.DATA), layout(parent));
        SparseFiles.create(pruned, 4 * K4, 2, 0, 2 * K4);
        assertEquals(0, run(new PruneCommand(), false, pruned.toString(), child.toString()));
        assertEquals("prune: punched 8.0 KiB of holes in the parent\n", out());
        assertEquals(SparseFiles.intervals(0, K4, dev.cairn.spi.io.Interval.Kind.DATA, K4, 3 * K4,
                dev.cairn.spi.io.Interval.Kind.HOLE), layout(pruned));
        assertTrue(err().contains("prune: 100%"), err());
    }

    @Test
    void directModeCopiesAlignedFilesAndRefusesUnalignedOnesClearly() throws Exception {
        ctx.withFileIo(new DirectFileIoFactory());
        Path dst = dir.resolve("direct.img");
        assertEquals(0, run(new SyncCommand(), false, src.toString(), dst.toString()), err());
        assertEquals(layout(src), layout(dst));
        assertEquals(sha256(src), sha256(dst));
        Path odd = SparseFiles.create(dir.resolve("odd.img"), 3 * K4 + 512, 4, 0, K4, 3 * K4, 512);
        assertEquals(1, run(new SyncCommand(), false, odd.toString(), dir.resolve("odd-copy.img").toString()));
        assertTrue(err().contains("not aligned to 4096 bytes"), err());
    }
}
