package dev.cairn.cache.disk;

import dev.cairn.spi.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety: a child JVM writing to the store is killed with SIGKILL ({@code destroyForcibly}) at a point chosen
 * from its progress output; the store then reopens with no partial entry and no temp file.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DiskStoreCrashTest {
    @TempDir
    Path tmp;

    @Test
    void killedMidBlobLeavesNoPartialEntryAndRecoveryRemovesTheTempFile() throws Exception {
        Path dir = tmp.resolve("store");
        runAndKill("block", dir, "midway");

        List<Path> leftovers = list(dir.resolve("tmp"));
        assertEquals(1, leftovers.size(), "the kill interrupted one write, whose temp file is left: " + leftovers);
        try (DiskStore store = reopen(dir)) {
            assertEquals(List.of(), list(dir.resolve("tmp")), "start-up recovery removed the temp file");
            assertEquals(1L, store.status().get("recoveredTempFiles"));
            assertFalse(store.has("partial"));
            assertTrue(store.get("partial", "output").isEmpty(), "no blob of the interrupted entry is visible");
            assertFalse(Files.exists(store.entryPath("partial")));
            for (int i = 0; i < 5; i++) {
                assertWhole(store, "c" + i, i);
            }
            assertEquals(5, store.stats().entries());
        }
    }

    @Test
    void killedWhileWritingInALoopLosesNoCommittedEntryAndShowsNoMixedOne() throws Exception {
        Path dir = tmp.resolve("store");
        int committed = runAndKill("loop", dir, "committed 12");

        try (DiskStore store = reopen(dir)) {
            assertEquals(List.of(), list(dir.resolve("tmp")), "no temp file after recovery");
            for (int i = 0; i <= committed; i++) {
                assertWhole(store, "k" + i, i); // put returned before the kill: durable and whole
            }
            for (int i = committed + 1; store.has("k" + i); i++) {
                assertWhole(store, "k" + i, i); // written after the last progress line: whole if visible
            }
            String meta = new String(store.getBytes("replaced", "metadata").orElseThrow(), StandardCharsets.UTF_8);
            assertWhole(store, "replaced", Integer.parseInt(meta.substring(5)));
        }
        try (Stream<Path> files = Files.walk(dir.resolve("main"))) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                assertTrue(f.getFileName().toString().matches("k[0-9]+|replaced"), "unexpected file " + f);
            }
        }
    }

    private static DiskStore reopen(Path dir) throws IOException {
        return DiskStore.open(dir, DiskStoreContractTest.config(dir, 0), Clock.systemUTC());
    }

    private static void assertWhole(Store store, String key, int seed) throws IOException {
        assertArrayEquals(CrashWriterMain.filled(200 * 1024 + seed, seed), store.getBytes(key, "output").orElseThrow(),
                key + "/output");
        assertArrayEquals(CrashWriterMain.filled(100 + seed, seed + 1), store.getBytes(key, "stderr").orElseThrow(),
                key + "/stderr");
        assertArrayEquals(("seed=" + seed).getBytes(StandardCharsets.UTF_8),
                store.getBytes(key, "metadata").orElseThrow(), key + "/metadata");
    }

    /**
     * Starts the writer, waits for {@code killAt} on its stdout, kills it with SIGKILL.
     *
     * @return the last committed number seen
     */
    private int runAndKill(String mode, Path dir, String killAt) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path stderr = tmp.resolve("child-stderr.txt");
        Process child = new ProcessBuilder(java, "-Xmx128m", "-cp", classpath, CrashWriterMain.class.getName(), mode,
                dir.toString())
                .redirectError(stderr.toFile())
                .start();
        int committed = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("committed ")) {
                    committed = Integer.parseInt(line.substring("committed ".length()));
                }
                if (line.equals(killAt)) {
                    break;
                }
            }
            if (line == null) {
                throw new AssertionError("writer ended before '" + killAt + "': " + Files.readString(stderr));
            }
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child exits after SIGKILL");
            assertEquals(137, child.exitValue(), "killed by signal 9");
        } finally {
            child.destroyForcibly();
        }
        return committed;
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.sorted().toList());
        }
    }
}
