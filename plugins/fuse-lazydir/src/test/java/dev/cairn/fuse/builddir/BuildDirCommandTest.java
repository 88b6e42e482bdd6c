package dev.cairn.fuse.builddir;

import dev.cairn.spi.command.CommandIo;
import dev.cairn.testkit.FakeHostContext;
import dev.cairn.testkit.InMemoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuildDirCommandTest {
    @TempDir
    Path tmp;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final InMemoryStore store = new InMemoryStore(0);

    private int run(String... args) throws Exception {
        return new BuildDirCommand().run(List.of(args), new CommandIo(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true), new PrintStream(err, true), false), new FakeHostContext(tmp).withStore(store));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void usageErrorsExitWithTwoAndSayWhatIsWrong() throws Exception {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage: cairn builddir mount"));
        assertEquals(2, run("frobnicate"));
        assertTrue(err().startsWith("cairn builddir: unknown subcommand 'frobnicate'"), err());
        assertEquals(2, run("mount", "only-one"));
        assertEquals(2, run("mount", "--pool", "nowhere", "m.json", "mp"));
        err.reset();
        assertEquals(2, run("mount", tmp.resolve("absent.json").toString(), tmp.toString()));
        assertTrue(err().startsWith("cairn builddir: the manifest"), err());
        Files.writeString(tmp.resolve("bad.json"), "{\"entries\": [{\"path\": \"../x\", \"size\": 1}]}");
        err.reset();
        assertEquals(2, run("mount", tmp.resolve("bad.json").toString(), tmp.toString()));
        assertTrue(err().startsWith("cairn builddir: invalid manifest"), err());
        assertEquals(2, run("outputs", tmp.toString()));
    }

    @Test
    void outputsPrintsDigestsAndStoresContent() throws Exception {
        Files.createDirectories(tmp.resolve("b/out"));
        Files.writeString(tmp.resolve("b/out/a.o"), "object");
        assertEquals(0, run("outputs", tmp.resolve("b").toString(), "out/a.o"));
        String sha = FuseSupport.sha256("object".getBytes(StandardCharsets.UTF_8));
        assertEquals(sha + " 6 out/a.o\n", out.toString(StandardCharsets.UTF_8));
        assertArrayEquals("object".getBytes(StandardCharsets.UTF_8),
                store.namespace("source").getBytes(sha, "content").orElseThrow());
        assertEquals(2, run("outputs", tmp.resolve("b").toString(), "../b/out/a.o"));
        assertTrue(err().startsWith("cairn builddir: refusing output path"), err());
        assertEquals(1, run("outputs", tmp.resolve("b").toString(), "out/missing"));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aLiveMountIsRefusedAndAFailedMountIsReported() throws Exception {
        FuseSupport.assumeFuse();
        Path mp = Files.createDirectory(tmp.resolve("mnt"));
        Files.writeString(tmp.resolve("m.json"), "{\"entries\": []}");
        Thread mounter = new Thread(() -> {
            try {
                run("mount", "--pool", "temp", tmp.resolve("m.json").toString(), mp.toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        mounter.start();
        try {
            long deadline = System.currentTimeMillis() + 20_000;
            while (!out.toString(StandardCharsets.UTF_8).contains("mounted 0 entries")
                    && System.currentTimeMillis() < deadline && mounter.isAlive()) {
                mounter.join(20);
            }
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("mounted 0 entries"), err());
            ByteArrayOutputStream second = new ByteArrayOutputStream();
            java.io.IOException busy = org.junit.jupiter.api.Assertions.assertThrows(StaleMountException.class,
                    () -> FuseMount.clearStale(MountTable.canonical(mp), new PrintStream(second, true)));
            assertTrue(busy.getMessage().contains("is already a mount point"), busy.getMessage());
            assertEquals(0, FuseMount.fusermount("-u", MountTable.canonical(mp).toString()));
            mounter.join(20_000);
            assertTrue(!mounter.isAlive(), "fusermount -u ends the mount command");
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("unmounted"));
        } finally {
            FuseSupport.forceUnmount(mp);
        }
        err.reset();
        assertEquals(1, run("mount", "--pool", "temp", tmp.resolve("m.json").toString(), tmp.resolve("m.json").toString()));
        assertTrue(err().contains("must be an existing directory"), err());
    }
}
