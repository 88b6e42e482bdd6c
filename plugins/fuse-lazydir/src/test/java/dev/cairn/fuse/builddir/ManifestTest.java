package dev.cairn.fuse.builddir;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestTest {
    private static final String SHA = "a".repeat(64);

    private static Manifest parse(String json) throws IOException {
        return Manifest.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static String error(String entry) {
        return assertThrows(IllegalArgumentException.class, () -> parse("{\"entries\": [" + entry + "]}")).getMessage();
    }

    @Test
    void readsFilesDirectoriesAndSymlinksWithModes() throws IOException {
        Manifest m = parse("{\"entries\": ["
                + "{\"path\": \"a/b.c\", \"size\": 3, \"sha256\": \"" + SHA + "\"},"
                + "{\"path\": \"run\", \"size\": 0, \"mode\": \"0700\", \"executable\": true, \"sha256\": \"" + SHA + "\"},"
                + "{\"path\": \"x\", \"type\": \"directory\", \"mode\": 448},"
                + "{\"path\": \"l\", \"type\": \"symlink\", \"target\": \"a/b.c\"}]}");
        assertEquals(new ManifestEntry("a/b.c", ManifestEntry.Kind.FILE, 3, 0644, SHA, null), m.entries().get(0));
        assertEquals(0711, m.entries().get(1).mode(), "executable adds 0111");
        assertEquals(new ManifestEntry("x", ManifestEntry.Kind.DIRECTORY, 0, 0700, null, null), m.entries().get(2));
        assertEquals("a/b.c", m.entries().get(3).target());
    }

    @Test
    void pathsThatWouldEscapeTheMountAreRefused() {
        for (String bad : new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a/.", ""}) {
            String message = error("{\"path\": \"" + bad + "\", \"size\": 1, \"sha256\": \"" + SHA + "\"}");
            assertTrue(message.startsWith("entries[0]: path '" + bad + "'"), message);
        }
    }

    @Test
    void invalidFieldsAreNamed() {
        assertTrue(error("{\"path\": \"f\", \"size\": 1}").contains("sha256"));
        assertTrue(error("{\"path\": \"f\", \"size\": -1, \"sha256\": \"" + SHA + "\"}").contains("negative"));
        assertTrue(error("{\"path\": \"f\", \"sha256\": \"" + SHA + "\"}").contains("'size' is required"));
        assertTrue(error("{\"path\": \"f\", \"size\": 1, \"sha256\": \"" + SHA + "\", \"color\": 1}").contains("unknown key 'color'"));
        assertTrue(error("{\"path\": \"f\", \"type\": \"fifo\"}").contains("file, directory, symlink"));
        assertTrue(error("{\"path\": \"f\", \"type\": \"symlink\"}").contains("target"));
        assertTrue(error("{\"path\": \"f\", \"size\": 1, \"mode\": \"9\", \"sha256\": \"" + SHA + "\"}").contains("octal"));
        String dup = assertThrows(IllegalArgumentException.class, () -> parse("{\"entries\": ["
                + "{\"path\": \"f\", \"type\": \"directory\"}, {\"path\": \"f\", \"type\": \"directory\"}]}")).getMessage();
        assertTrue(dup.contains("appears twice"), dup);
        assertThrows(IllegalArgumentException.class, () -> parse("[]"));
    }

    @Test
    void anEntryBelowAFileIsRefusedWhenTheTreeIsBuilt() throws IOException {
        Manifest m = parse("{\"entries\": [{\"path\": \"f\", \"size\": 1, \"sha256\": \"" + SHA + "\"},"
                + "{\"path\": \"f/g\", \"size\": 1, \"sha256\": \"" + SHA + "\"}]}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BuildDirFileSystem(m,
                new InputCache((sha, size, into) -> { }, java.nio.file.Path.of(System.getProperty("java.io.tmpdir"))), new TempFilePool(java.nio.file.Path.of("/tmp")), Clock.systemUTC(), 0, 0));
        assertTrue(e.getMessage().contains("is below 'f', which is not a directory"), e.getMessage());
    }
}
