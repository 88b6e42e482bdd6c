package dev.cairn.runner;

import dev.cairn.dir.LazyDirectory;
import dev.cairn.dir.PathDirectoryOpenerFactory;
import dev.cairn.dir.PathOpenerConfig;
import dev.cairn.dir.UnderlyingDirectoryException;
import dev.cairn.fuse.builddir.MountProcessMain;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.testkit.FakeHostContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RunnerTest {
    @TempDir
    Path tmp;

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static boolean mounted(Path mp) throws IOException {
        String wanted = mp.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(l -> l.split(" ")[4].equals(wanted));
    }

    private static String mountinfoHas(Path parent, String name) throws IOException {
        String wanted = parent.toRealPath().resolve(name).toString();
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .filter(l -> l.split(" ")[4].equals(wanted)).findFirst().orElse(null);
    }

    private int run(String... command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return new RunnerCommand().run(List.of(command), new CommandIo(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true), new PrintStream(out, true), false), new FakeHostContext(tmp));
    }

    @Test
    void theCommandsExitCodeIsPropagatedAndItsDirectoryRemoved() throws Exception {
        Path build = Files.createDirectory(tmp.resolve("build"));
        assertEquals(7, run("--build-dir", build.toString(), "--", "sh", "-c", "mkdir -p x/y && touch x/y/z && exit 7"));
        assertEquals(0, run("--build-dir", "build", "--", "true"));
        assertEquals(List.of(), list(build));
        assertEquals(2, run("--build-dir", "build"));
        assertEquals(2, run("--", "true"));
        assertEquals(0, run("--help"));
        assertEquals(1, run("--build-dir", "absent", "--", "true"));
    }

    @Test
    void theBuildDirectoryCanComeFromTheRunnerSection() throws Exception {
        Path build = Files.createDirectory(tmp.resolve("configured"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FakeHostContext ctx = new FakeHostContext(tmp).withSection("runner", new RunnerSection("configured"));
        int rc = new RunnerCommand().run(List.of("--", "sh", "-c", "basename \"$(dirname \"$PWD\")\""),
                new CommandIo(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true),
                        new PrintStream(out, true), false), ctx);
        assertEquals(0, rc, out.toString(StandardCharsets.UTF_8));
        assertEquals("configured\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(), list(build));
    }

    @Test
    void eachActionGetsAFreshDirectory() throws Exception {
        Path build = Files.createDirectory(tmp.resolve("build"));
        AtomicInteger n = new AtomicInteger();
        Files.createDirectory(build.resolve("action-0")); // taken: the runner must pick another name
        Runner runner = new Runner(new LazyDirectory(() -> dev.cairn.dir.LocalDirectory.open(build)), build,
                () -> "action-" + n.getAndIncrement());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, runner.run(List.of("sh", "-c", "pwd; ls -A | wc -l"), new PrintStream(out, true), System.err));
        assertEquals(build.toRealPath().resolve("action-1") + "\n0\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("action-0"), list(build));
    }

    @Test
    @Timeout(value = 80, unit = TimeUnit.SECONDS)
    void startedBeforeTheMountItWorksInsideItAndSurvivesAKilledMountAndARemount() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "/dev/fuse is absent: this test needs FUSE (apt-get install fuse)");
        Path mp = Files.createDirectory(tmp.resolve("build"));
        Path seeds = Files.createDirectory(tmp.resolve("seeds"));
        byte[] input = "input from the store\n".getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(input));
        Files.write(seeds.resolve(sha), input);
        Path manifest = tmp.resolve("manifest.json");
        Files.writeString(manifest, "{\"entries\": [{\"path\": \"input.txt\", \"size\": " + input.length
                + ", \"sha256\": \"" + sha + "\"}]}");

        // The runner exists before anything is mounted: it must not have captured the directory under the mount.
        Runner runner = new Runner(new LazyDirectory(new PathDirectoryOpenerFactory()
                .create(new PathOpenerConfig(mp.toString()), new FakeHostContext(tmp))), mp,
                new java.util.function.Supplier<>() {
                    int n;

                    @Override
                    public String get() {
                        return "action-" + n++;
                    }
                });
        Process first = null;
        Process second = null;
        try {
            Path log1 = tmp.resolve("mount1.log");
            first = MountProcessMain.start(seeds, manifest, mp, log1);
            assertTrue(MountProcessMain.awaitMounted(first, log1, 30_000), () -> read(log1));

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(0, runner.run(List.of("sh", "-c", "cat ../input.txt && echo made > f && cat f"),
                    new PrintStream(out, true), System.err));
            assertEquals("input from the store\nmade\n", out.toString(StandardCharsets.UTF_8));
            assertEquals(List.of("input.txt"), list(mp), "the action directory is removed inside the mount");

            first.destroyForcibly(); // SIGKILL: the mount stays behind, stale
            assertTrue(first.waitFor(20, TimeUnit.SECONDS));
            IOException stale = assertThrows(IOException.class, () -> Files.readAttributes(mp,
                    java.nio.file.attribute.BasicFileAttributes.class));
            assertTrue(stale.getMessage().contains("Transport endpoint is not connected"), stale.getMessage());
            UnderlyingDirectoryException broken = assertThrows(UnderlyingDirectoryException.class,
                    () -> runner.run(List.of("true"), System.out, System.err));
            assertTrue(broken.getMessage().contains("failed to open underlying directory"), broken.getMessage());

            Path log2 = tmp.resolve("mount2.log");
            second = MountProcessMain.start(seeds, manifest, mp, log2);
            assertTrue(MountProcessMain.awaitMounted(second, log2, 30_000), () -> read(log2));
            assertTrue(read(log2).contains("found a stale mount at " + mp.toRealPath()), read(log2));

            out.reset();
            assertEquals(3, runner.run(List.of("sh", "-c", "cat ../input.txt; exit 3"), new PrintStream(out, true),
                    System.err));
            assertEquals("input from the store\n", out.toString(StandardCharsets.UTF_8));
            assertEquals(List.of("input.txt"), list(mp));

            second.destroy(); // SIGTERM: unmounts cleanly
            assertTrue(second.waitFor(30, TimeUnit.SECONDS), () -> read(log2));
            assertFalse(mounted(mp), "SIGTERM must unmount");
            assertTrue(read(log2).contains("unmounted"), read(log2));
            assertEquals(List.of(), list(mp), "the directory under the mount was never written");
        } finally {
            for (Process p : new Process[] {first, second}) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor(20, TimeUnit.SECONDS);
                }
            }
            if (mountinfoHas(tmp, "build") != null) {
                new ProcessBuilder("fusermount", "-u", "-z", tmp.toRealPath().resolve("build").toString())
                        .inheritIO().start().waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(unreadable log: " + e.getMessage() + ")";
        }
    }
}
