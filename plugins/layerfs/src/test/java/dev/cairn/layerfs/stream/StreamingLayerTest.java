package dev.cairn.layerfs.stream;

import dev.cairn.layerfs.FeedStream;
import dev.cairn.layerfs.FuseMount;
import dev.cairn.layerfs.TestTar;
import dev.cairn.layerfs.store.LayerStore;
import dev.cairn.layerfs.store.StoredLayer;
import dev.cairn.layerfs.trace.AccessTracer;
import dev.cairn.layerfs.trace.LayerPacker;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamingLayerTest {
    @TempDir
    Path tmp;
    LayerStore store;
    byte[] big;

    @BeforeEach
    void setUp() throws IOException {
        FuseMount.assumeFuse();
        store = new LayerStore(tmp.resolve("store"));
        big = new byte[3 * 1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
    }

    static void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.onSpinWait();
        }
    }

    /** Offset of the first byte of a file's content in an uncompressed tar (the 512-byte block after its header). */
    static int contentOffset(byte[] tar, byte[] content) {
        for (int off = 512; off + 512 <= tar.length; off += 512) {
            if (Arrays.equals(tar, off, off + 64, content, 0, 64)) {
                return off;
            }
        }
        throw new AssertionError("content not found");
    }

    byte[] packed() throws IOException {
        byte[] tar = TestTar.create().dir("app").file("app/first", "early")
                .file("app/late", big, 0644, Map.of()).file("app/never", "x").tar();
        Path in = TestTar.write(tmp.resolve("in.tar"), tar);
        Path out = tmp.resolve("packed.tar");
        LayerPacker.pack(in, null, out, false);
        return Files.readAllBytes(out);
    }

    @Test
    void entriesFromTheTableOfContentsAppearAtOnceAndReadersWaitForWholeFiles() throws Exception {
        byte[] stream = packed();
        int lateAt = contentOffset(stream, big);
        FeedStream feed = new FeedStream();
        StreamingLayer layer = StreamingLayer.start(store, feed, null);
        // the table of contents, the directory, app/first, the header of app/late and half its content
        feed.feed(stream, 0, lateAt + big.length / 2);
        waitFor(() -> layer.index().entries().size() >= 4, "table of contents");
        try (FuseMount m = FuseMount.mount(tmp.resolve("mnt"), List.of(layer.index()), tmp.resolve("rw"),
                Duration.ofSeconds(30), AccessTracer.NONE)) {
            try (Stream<Path> s = Files.list(m.path("app"))) {
                assertEquals(List.of("first", "late", "never"), s.map(p -> p.getFileName().toString()).sorted().toList());
            }
            assertEquals((long) big.length, Files.size(m.path("app/late")), "final size known from the header");
            waitFor(() -> layer.index().isReady(nodeOf(layer, "app/first")), "app/first");
            assertEquals("early", Files.readString(m.path("app/first")));

            CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return Files.readAllBytes(m.path("app/late"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            waitFor(() -> layer.index().waiters() > 0, "the reader to block");
            assertFalse(reader.isDone(), "a reader never sees a partial file");
            feed.feed(stream, lateAt + big.length / 2, stream.length);
            feed.end();
            assertArrayEquals(big, reader.get(20, TimeUnit.SECONDS));
            StoredLayer stored = layer.done().get(20, TimeUnit.SECONDS);
            assertTrue(stored.complete());
            assertEquals("x", Files.readString(m.path("app/never")), "readable after the layer moved into the store");
        }
    }

    @Test
    void aFileThatNeverArrivesGivesEioAfterTheTimeout() throws Exception {
        byte[] stream = packed();
        int lateAt = contentOffset(stream, big);
        FeedStream feed = new FeedStream();
        StreamingLayer layer = StreamingLayer.start(store, feed, null);
        feed.feed(stream, 0, lateAt);
        waitFor(() -> layer.index().entries().size() >= 4, "table of contents");
        try (FuseMount m = FuseMount.mount(tmp.resolve("mnt"), List.of(layer.index()), tmp.resolve("rw"),
                Duration.ofMillis(300), AccessTracer.NONE)) {
            IOException e = assertThrows(IOException.class, () -> Files.readAllBytes(m.path("app/late")));
            assertTrue(String.valueOf(e.getMessage()).contains("Input/output error"), e.toString());
        } finally {
            layer.close();
        }
    }

    @Test
    void withoutATableOfContentsNamesAppearAsTheirHeadersArrive() throws Exception {
        byte[] tar = TestTar.create().file("one", "1").file("two", big, 0644, Map.of()).tar();
        int twoAt = contentOffset(tar, big);
        FeedStream feed = new FeedStream();
        StreamingLayer layer = StreamingLayer.start(store, feed, null);
        feed.feed(tar, 0, 1024); // header and content of "one"
        waitFor(() -> layer.index().entries().size() >= 1, "first entry");
        try (FuseMount m = FuseMount.mount(tmp.resolve("mnt"), List.of(layer.index()), tmp.resolve("rw"),
                Duration.ofSeconds(30), AccessTracer.NONE)) {
            assertEquals("1", Files.readString(m.path("one")));
            CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(Files.readAllBytes(m.path("two")), 0, 4, StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            waitFor(() -> layer.index().waiters() > 0, "the lookup to wait instead of answering ENOENT");
            feed.feed(tar, 1024, twoAt + 10);
            feed.feed(tar, twoAt + 10, tar.length);
            feed.end();
            assertEquals(new String(big, 0, 4, StandardCharsets.ISO_8859_1), reader.get(20, TimeUnit.SECONDS));
            layer.done().get(20, TimeUnit.SECONDS);
            assertFalse(Files.exists(m.path("three")), "after the end, unknown names are absent at once");
        }
    }

    static dev.cairn.layerfs.archive.LayerIndex.Node nodeOf(StreamingLayer layer, String path) {
        try {
            return layer.index().lookup(path, Duration.ofSeconds(5));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
