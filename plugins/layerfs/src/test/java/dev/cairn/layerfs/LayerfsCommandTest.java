package dev.cairn.layerfs;

import dev.cairn.layerfs.union.Mounts;
import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.command.PluginCommand;
import dev.cairn.testkit.FakeHostContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LayerfsCommandTest {
    @TempDir
    Path home;
    FakeHostContext ctx;
    ByteArrayOutputStream out;
    ByteArrayOutputStream err;

    @BeforeEach
    void setUp() {
        ctx = new FakeHostContext(home).withSection("layerfs", new LayerfsConfig("store", Duration.ofSeconds(5), null));
    }

    int run(String... args) throws Exception {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        return run(out, err, args);
    }

    int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) throws Exception {
        CommandIo io = new CommandIo(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new LayerfsCommand().run(List.of(args), io, ctx);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void isFoundByServiceLoader() {
        assertTrue(ServiceLoader.load(PluginCommand.class).stream().anyMatch(p -> p.type() == LayerfsCommand.class));
    }

    @Test
    void helpAndUsageErrors() throws Exception {
        assertEquals(0, run("--help"));
        assertTrue(out().contains("optimize"), out());
        assertEquals(0, run("mount", "--help"));
        assertTrue(out().contains("--rw"));
        assertEquals(2, run());
        assertEquals(2, run("mount", "--image", "x"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("Missing required option"), err.toString());
        assertEquals(2, run("frobnicate"));
        TestTar.write(home.resolve("l.tar"), TestTar.create().file("f", "x").tar());
        assertEquals(0, run("import", "l.tar", "--name", "d"));
        assertEquals(2, run("mount", "--image", "d", "--rw", "rw", "--wait-timeout", "soon", "mnt"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--wait-timeout"), err.toString());
    }

    @Test
    void configIsValidatedWithTheKeyNamed() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new LayerfsConfig(null, Duration.ZERO, null));
        assertEquals("waitTimeout", e.key());
        assertEquals("var/layerfs", LayerfsConfig.defaults().storeDir());
    }

    @Test
    void importLsRmAndAFailedImport() throws Exception {
        TestTar.write(home.resolve("layer.tar"), TestTar.create().file("f", "x").tar());
        assertEquals(0, run("import", "layer.tar", "--name", "demo:1"));
        assertEquals(0, run("ls"));
        assertTrue(out().contains("image demo:1 layers=1"), out());
        assertTrue(out().contains("refs=1 complete"), out());
        assertEquals(0, run("rm", "demo:1"));
        assertEquals(0, run("ls"));
        assertEquals("", out());
        TestTar.write(home.resolve("evil.tar"), TestTar.create().hardlink("h", "/etc/shadow").tar());
        assertEquals(1, run("import", "evil.tar"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("refusing archive entry 'h'"), err.toString());
    }

    @Test
    void mountRunsUntilUnmountedAndTracesOptimizeAndPack() throws Exception {
        FuseMount.assumeFuse();
        TestTar.write(home.resolve("layer.tar"), TestTar.create().file("a", "A").file("b", "B").tar());
        assertEquals(0, run("import", "layer.tar", "--name", "app"));
        Path mp = Files.createDirectories(home.resolve("mnt"));
        ByteArrayOutputStream mountOut = new ByteArrayOutputStream();
        ByteArrayOutputStream mountErr = new ByteArrayOutputStream();
        CompletableFuture<Integer> mount = CompletableFuture.supplyAsync(() -> {
            try {
                return run(mountOut, mountErr, "mount", "--image", "app", "--rw", "rw", "--trace", "t1.trace", "mnt");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Mounts.isMounted(mp) && System.nanoTime() < deadline && !mount.isDone()) {
                Thread.onSpinWait();
            }
            assertTrue(Mounts.isMounted(mp), "mounted");
            assertEquals("B", Files.readString(mp.resolve("b")));
            assertEquals("A", Files.readString(mp.resolve("a")));
            Files.writeString(mp.resolve("c"), "C");
        } finally {
            Mounts.lazyUnmount(mp);
        }
        int rc = mount.get(20, TimeUnit.SECONDS);
        assertEquals(0, rc, mountErr.toString(StandardCharsets.UTF_8));
        assertTrue(mountOut.toString(StandardCharsets.UTF_8).startsWith("mounted "));
        assertEquals("C", Files.readString(home.resolve("rw/upper/c")));
        assertEquals(0, run("optimize", "t1.trace", "--group", "g"));
        assertEquals(List.of("cairn-layerfs-ranking 1", "#group g", "b", "a"),
                Files.readAllLines(home.resolve("store/rankings/g.ranking")));
        assertEquals(0, run("pack", "layer.tar", "--group", "g", "-o", "packed.tar.gz", "--gzip"));
        assertTrue(out().contains("ranked=2"), out());
        assertEquals(0, run("import", "packed.tar.gz", "--name", "packed"));
    }
}
