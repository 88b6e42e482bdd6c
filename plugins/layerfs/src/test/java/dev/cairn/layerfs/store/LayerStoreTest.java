package dev.cairn.layerfs.store;

import dev.cairn.layerfs.TestTar;
import dev.cairn.layerfs.archive.EntryKind;
import dev.cairn.layerfs.archive.LayerIndex;
import dev.cairn.layerfs.archive.UnsafeArchiveException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerStoreTest {
    @TempDir
    Path tmp;
    LayerStore store;

    @BeforeEach
    void open() throws IOException {
        store = new LayerStore(tmp.resolve("store"));
    }

    static String sha256(byte[] b) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void importsTarAndTarGzByDigestWithCompleteFlagAndIndex() throws Exception {
        byte[] gz = TestTar.create().dir("a").file("a/f", "hello").symlink("a/l", "f").tarGz();
        StoredLayer layer = store.importLayer(new ByteArrayInputStream(gz), sha256(gz));
        assertEquals(sha256(gz), layer.digest());
        assertTrue(layer.complete());
        assertEquals("hello", Files.readString(layer.rootfs().resolve("a/f")));
        LayerIndex index = store.open(layer.digest());
        assertEquals(EntryKind.SYMLINK, index.kind(index.lookup("a/l", Duration.ZERO)));
        assertEquals(List.of(layer.digest()), store.layers().stream().map(StoredLayer::digest).toList());
    }

    @Test
    void digestMismatchStoresNothing() throws Exception {
        byte[] tar = TestTar.create().file("f", "x").tar();
        String wrong = "sha256:" + "0".repeat(64);
        assertThrows(DigestMismatchException.class, () -> store.importLayer(new ByteArrayInputStream(tar), wrong));
        assertEquals(List.of(), store.layers());
        try (Stream<Path> s = Files.list(store.root().resolve("tmp"))) {
            assertEquals(0, s.count(), "staging cleaned up");
        }
    }

    @Test
    void referenceCountsAndRemoval() throws Exception {
        byte[] base = TestTar.create().file("base", "b").tar();
        byte[] app = TestTar.create().file("app", "a").tar();
        String b = store.importLayer(new ByteArrayInputStream(base), null).digest();
        String a = store.importLayer(new ByteArrayInputStream(app), null).digest();
        store.putImage("one:1", List.of(b, a));
        store.putImage("two", List.of(b));
        assertEquals(2, store.layer(b).orElseThrow().refs());
        assertEquals(1, store.layer(a).orElseThrow().refs());
        assertThrows(IOException.class, () -> store.removeLayer(b));
        assertEquals(List.of(a), store.removeImage("one:1"));
        assertFalse(store.layer(a).isPresent());
        assertEquals(1, store.layer(b).orElseThrow().refs());
        assertEquals(List.of("two"), store.images().stream().map(ImageRecord::name).toList());
        store.removeImage("two");
        assertEquals(List.of(), store.layers());
    }

    @Test
    void reimportOfAStoredDigestReusesIt() throws Exception {
        byte[] tar = TestTar.create().file("f", "x").tar();
        StoredLayer first = store.importLayer(new ByteArrayInputStream(tar), sha256(tar));
        StoredLayer again = store.importLayer(new ByteArrayInputStream(tar), sha256(tar));
        assertEquals(first.dir(), again.dir());
    }

    @Nested
    class PathEscapes {
        void refused(byte[] tar, String what) throws IOException {
            UnsafeArchiveException e = assertThrows(UnsafeArchiveException.class,
                    () -> store.importLayer(new ByteArrayInputStream(tar), null));
            assertTrue(e.getMessage().contains(what), e.getMessage());
            assertEquals(List.of(), store.layers());
            assertFalse(Files.exists(tmp.resolve("evil")), "nothing written outside the store");
            try (Stream<Path> s = Files.list(store.root().resolve("tmp"))) {
                assertEquals(0, s.count());
            }
        }

        TarArchiveEntry raw(String name, byte type) {
            TarArchiveEntry e = new TarArchiveEntry(name, type, true);
            e.setMode(0644);
            return e;
        }

        @Test
        void absolutePath() throws IOException {
            TarArchiveEntry e = raw(tmp.resolve("evil").toString(), TarConstants.LF_NORMAL);
            e.setSize(1);
            refused(TestTar.create().raw(e, new byte[] {1}).tar(), "absolute");
        }

        @Test
        void dotDot() throws IOException {
            TarArchiveEntry e = raw("a/../../../evil", TarConstants.LF_NORMAL);
            e.setSize(1);
            refused(TestTar.create().raw(e, new byte[] {1}).tar(), "'..'");
        }

        @Test
        void writeThroughASymlink() throws IOException {
            byte[] tar = TestTar.create().symlink("esc", tmp.toString()).file("esc/evil", "pwned").tar();
            refused(tar, "symlink");
        }

        @Test
        void hardLinkToOutside() throws IOException {
            refused(TestTar.create().hardlink("h", "/etc/passwd").tar(), "absolute");
            refused(TestTar.create().hardlink("h", "../../etc/passwd").tar(), "'..'");
            refused(TestTar.create().hardlink("h", "not-yet-seen").tar(), "hard link");
        }
    }

    @Nested
    class Images {
        @Test
        void ociLayoutWithDigestsChecked() throws Exception {
            byte[] l1 = TestTar.create().file("one", "1").tarGz();
            byte[] l2 = TestTar.create().file("two", "2").tar();
            Path layout = ociLayout(tmp.resolve("layout"), List.of(l1, l2), "app:1.0", false);
            ImageRecord image = new ImageImporter(store).importImage(layout, null);
            assertEquals("app:1.0", image.name());
            assertEquals(List.of(sha256(l1), sha256(l2)), image.layers());

            byte[] l3 = TestTar.create().file("three", "3").tar();
            Path bad = ociLayout(tmp.resolve("bad"), List.of(l3), "bad", true);
            assertThrows(DigestMismatchException.class, () -> new ImageImporter(store).importImage(bad, null));
            assertFalse(store.image("bad").isPresent());
        }

        @Test
        void dockerSaveArchive() throws Exception {
            byte[] l1 = TestTar.create().file("one", "1").tar();
            byte[] l2 = TestTar.create().whiteout("one").tar();
            String manifest = "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"saved:latest\"],\"Layers\":[\"aaa/layer.tar\",\"blobs/sha256/"
                    + sha256(l2).substring(7) + "\"]}]";
            byte[] save = TestTar.create().file("manifest.json", manifest).file("cfg.json", "{}")
                    .file("aaa/layer.tar", l1, 0644, java.util.Map.of())
                    .file("blobs/sha256/" + sha256(l2).substring(7), l2, 0644, java.util.Map.of()).tar();
            Path archive = TestTar.write(tmp.resolve("saved.tar"), save);
            ImageRecord image = new ImageImporter(store).importImage(archive, null);
            assertEquals("saved:latest", image.name());
            assertEquals(List.of(sha256(l1), sha256(l2)), image.layers());
        }

        @Test
        void singleLayerTarball() throws Exception {
            Path f = TestTar.write(tmp.resolve("layer.tar.gz"), TestTar.create().file("x", "y").tarGz());
            ImageRecord image = new ImageImporter(store).importImage(f, null);
            assertEquals("layer", image.name());
            assertEquals(1, image.layers().size());
        }
    }

    static Path ociLayout(Path dir, List<byte[]> layers, String ref, boolean corrupt) throws Exception {
        Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        StringBuilder ls = new StringBuilder();
        for (byte[] l : layers) {
            String d = sha256(l);
            Files.write(blobs.resolve(d.substring(7)), corrupt ? new byte[] {1, 2, 3} : l);
            if (ls.length() > 0) {
                ls.append(',');
            }
            ls.append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"").append(d)
                    .append("\",\"size\":").append(l.length).append('}');
        }
        byte[] manifest = ("{\"schemaVersion\":2,\"layers\":[" + ls + "]}").getBytes(StandardCharsets.UTF_8);
        String md = sha256(manifest);
        Files.write(blobs.resolve(md.substring(7)), manifest);
        Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + md + "\",\"size\":" + manifest.length
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + ref + "\"}}]}");
        return dir;
    }
}
