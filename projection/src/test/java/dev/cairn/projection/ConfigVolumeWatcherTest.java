package dev.cairn.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ConfigVolumeWatcherTest {
    @TempDir
    Path tmp;
    Path volume;
    AtomicWriter kubelet;
    final List<Path> calls = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() {
        volume = tmp.resolve("config-volume");
        kubelet = new AtomicWriter(volume);
    }

    void project(String config, String other) throws IOException {
        kubelet.write(Map.of("cairn.yaml", PayloadFile.ofUtf8(config), "users.yaml", PayloadFile.ofUtf8(other)));
    }

    @Test
    void firesExactlyOncePerDataSwapAndNotOnANoOp() throws IOException {
        project("maxSize: 1GiB\n", "alice");
        Path config = volume.resolve("cairn.yaml");
        assertTrue(Files.isSymbolicLink(config), "the file is reached through ..data, as in a ConfigMap volume");
        try (ConfigVolumeWatcher watcher = new ConfigVolumeWatcher(config, calls::add)) {
            Path first = watcher.lastRealPath();
            assertFalse(watcher.checkNow(), "the state at construction is the baseline");

            project("maxSize: 1GiB\n", "alice"); // no-op: no new dir, no swap
            assertFalse(watcher.checkNow());
            assertEquals(List.of(), calls);

            project("maxSize: 2GiB\n", "alice");
            assertTrue(watcher.checkNow());
            assertFalse(watcher.checkNow(), "once per swap");
            assertEquals(List.of(config.toAbsolutePath()), calls);
            assertNotEquals(first, watcher.lastRealPath());
            assertTrue(watcher.lastRealPath().toString().contains("/..20"), watcher.lastRealPath().toString());

            // a swap that changed only another file of the volume still calls back: the config may refer to it
            project("maxSize: 2GiB\n", "bob");
            assertTrue(watcher.checkNow());
            assertEquals(2, calls.size());
        }
    }

    @Test
    void plainFileEditedInPlace() throws IOException {
        Path config = Files.writeString(tmp.resolve("cairn.yaml"), "a: 1\n");
        try (ConfigVolumeWatcher watcher = new ConfigVolumeWatcher(config, calls::add)) {
            Files.writeString(config, "a: 1\n");
            assertFalse(watcher.checkNow(), "same bytes, same file");
            Files.writeString(config, "a: 2\n");
            assertTrue(watcher.checkNow());
            assertEquals(1, calls.size());
        }
    }

    @Test
    void missingFileKeepsTheLastStateAndFiresWhenItComesBack() throws IOException {
        Path config = Files.writeString(tmp.resolve("cairn.yaml"), "a: 1\n");
        try (ConfigVolumeWatcher watcher = new ConfigVolumeWatcher(config, calls::add)) {
            Files.delete(config);
            assertFalse(watcher.checkNow());
            Files.writeString(config, "a: 1\n");
            assertFalse(watcher.checkNow(), "back as it was");
            Files.writeString(config, "a: 3\n");
            assertTrue(watcher.checkNow());
        }
    }

    @Test
    @Timeout(30)
    void backgroundThreadHearsTheSwapInTheParentDirectory() throws Exception {
        project("v: 1\n", "x");
        Path config = volume.resolve("cairn.yaml");
        // the inotify event on the parent directory wakes the watcher at once; the 3 s poll is the fallback
        try (ConfigVolumeWatcher watcher = new ConfigVolumeWatcher(config, calls::add, Duration.ofSeconds(3),
                Duration.ofMillis(20))) {
            watcher.start();
            project("v: 2\n", "x");
            Eventually.await("one callback", () -> calls.size() == 1);
            project("v: 3\n", "x");
            Eventually.await("two callbacks", () -> calls.size() == 2);
        }
        assertEquals(2, calls.size());
    }
}
