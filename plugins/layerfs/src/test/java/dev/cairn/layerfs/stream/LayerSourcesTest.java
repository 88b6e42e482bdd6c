package dev.cairn.layerfs.stream;

import com.sun.net.httpserver.HttpServer;
import dev.cairn.layerfs.TestTar;
import dev.cairn.layerfs.archive.EntryKind;
import dev.cairn.layerfs.store.LayerStore;
import dev.cairn.layerfs.store.StoredLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LayerSourcesTest {
    @TempDir
    Path tmp;

    static String sha256(byte[] b) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    byte[] layer() {
        byte[] big = new byte[200_000];
        java.util.Arrays.fill(big, (byte) 7);
        return TestTar.create().file("a", "A").file("b", big, 0644, java.util.Map.of()).tar();
    }

    @Test
    void aFileStillBeingWrittenIsFollowedToTheEndOfTheArchive() throws Exception {
        byte[] tar = layer();
        Path growing = tmp.resolve("growing.tar");
        Files.write(growing, java.util.Arrays.copyOf(tar, 1024));
        LayerStore store = new LayerStore(tmp.resolve("store"));
        StreamingLayer layer = StreamingLayer.start(store, LayerSources.open(growing.toString(), Duration.ofSeconds(20), tmp),
                sha256(tar));
        assertEquals(EntryKind.FILE, layer.index().kind(layer.index().lookup("a", Duration.ofSeconds(20))));
        try (OutputStream out = Files.newOutputStream(growing, StandardOpenOption.APPEND)) {
            out.write(tar, 1024, tar.length - 1024);
        }
        StoredLayer stored = layer.done().get(20, TimeUnit.SECONDS);
        assertEquals(sha256(tar), stored.digest(), "digest over the whole stream, padding included");
        assertEquals(200_000, Files.size(stored.rootfs().resolve("b")));
    }

    @Test
    void anHttpStreamArrivesWhileTheFirstEntriesAreAlreadyKnown() throws Exception {
        byte[] tar = layer();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/layer.tar", ex -> {
            ex.sendResponseHeaders(200, tar.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(tar, 0, 1024);
                out.flush();
                release.await(20, TimeUnit.SECONDS);
                out.write(tar, 1024, tar.length - 1024);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/layer.tar";
            LayerStore store = new LayerStore(tmp.resolve("store"));
            StreamingLayer layer = StreamingLayer.start(store, LayerSources.open(url, Duration.ofSeconds(10), tmp), null);
            assertEquals(EntryKind.FILE, layer.index().kind(layer.index().lookup("a", Duration.ofSeconds(20))));
            assertTrue(!layer.done().isDone(), "still arriving");
            release.countDown();
            assertEquals(sha256(tar), layer.done().get(20, TimeUnit.SECONDS).digest());
            IOException missing = assertThrows(IOException.class,
                    () -> LayerSources.open("http://127.0.0.1:" + server.getAddress().getPort() + "/missing", Duration.ofSeconds(5), tmp));
            assertTrue(missing.getMessage().contains("404"), missing.getMessage());
        } finally {
            server.stop(0);
        }
    }
}
