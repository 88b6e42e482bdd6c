package dev.cairn.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ProjectionWatcherTest {
    @TempDir
    Path tmp;

    /** Records what the watcher reports. */
    static final class RecordingListener implements ProjectionWatcher.Listener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void projected(SortedMap<String, PayloadFile> payload, boolean changed) {
            events.add((changed ? "changed " : "unchanged ") + payload.keySet());
        }

        @Override
        public void failed(Exception error) {
            events.add("failed " + error.getClass().getSimpleName());
        }
    }

    @Test
    void checkNowReprojectsADirectoryOnlyWhenItChanged() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("a"), "1");
        Path target = tmp.resolve("target");
        RecordingListener listener = new RecordingListener();
        try (ProjectionWatcher watcher = new ProjectionWatcher(ProjectionSource.directory(src),
                new AtomicWriter(target), Duration.ofSeconds(30), Duration.ZERO, listener)) {
            assertTrue(watcher.checkNow());
            assertFalse(watcher.checkNow());
            Files.createDirectories(src.resolve("d"));
            Files.writeString(src.resolve("d/b"), "2");
            assertTrue(watcher.checkNow());
            assertEquals("2", Files.readString(target.resolve("d/b")));
            Files.delete(src.resolve("a"));
            assertTrue(watcher.checkNow());
            assertFalse(Files.exists(target.resolve("a")));
        }
        assertEquals(List.of("changed [a]", "unchanged [a]", "changed [a, d/b]", "changed [d/b]"), listener.events);
    }

    @Test
    void brokenJsonKeepsThePreviousProjection() throws IOException {
        Path json = tmp.resolve("payload.json");
        Files.writeString(json, "{\"a\": {\"content\": \"1\"}}");
        Path target = tmp.resolve("target");
        try (ProjectionWatcher watcher = new ProjectionWatcher(ProjectionSource.json(json), new AtomicWriter(target),
                Duration.ofSeconds(30), Duration.ZERO, new RecordingListener())) {
            assertTrue(watcher.checkNow());
            Files.writeString(json, "{\"a\": {\"content\": ");
            assertThrows(InvalidPayloadException.class, watcher::checkNow);
            assertEquals("1", Files.readString(target.resolve("a")));
            Files.writeString(json, "{\"a\": {\"content\": \"2\"}}");
            assertTrue(watcher.checkNow());
            assertEquals("2", Files.readString(target.resolve("a")));
        }
    }

    @Test
    @Timeout(30)
    void backgroundThreadFollowsTheSource() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("a"), "1");
        Path target = tmp.resolve("target");
        RecordingListener listener = new RecordingListener();
        try (ProjectionWatcher watcher = new ProjectionWatcher(ProjectionSource.directory(src),
                new AtomicWriter(target), Duration.ofMillis(200), Duration.ofMillis(20), listener)) {
            watcher.checkNow();
            watcher.start();
            Files.writeString(src.resolve("a"), "2");
            Eventually.await("a == 2", () -> "2".equals(Files.readString(target.resolve("a"))));
            // a new subdirectory is picked up too
            Files.createDirectories(src.resolve("sub"));
            Files.writeString(src.resolve("sub/b"), "3");
            Eventually.await("sub/b", () -> Files.exists(target.resolve("sub/b")));
            assertEquals("3", Files.readString(target.resolve("sub/b")));
        }
    }
}
