package dev.cairn.fuse.builddir;

import dev.cairn.testkit.InMemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real FUSE mount of a manifest over an {@link InMemoryStore}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BuildDirFileSystemTest {
    private static final byte[] MAIN_C = """
            #include <stdio.h>
            #include "greet.h"
            int main(void) { greet(); return 0; }
            """.getBytes(StandardCharsets.UTF_8);
    private static final byte[] GREET_H = "void greet(void);\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] GREET_C = """
            #include <stdio.h>
            void greet(void) { puts("hello from the build directory"); }
            """.getBytes(StandardCharsets.UTF_8);
    private static final byte[] MAKEFILE = """
            hello: main.o greet.o
            \tcc -o $@ main.o greet.o
            %.o: src/%.c src/greet.h
            \tcc -c -Isrc -o $@ $<
            """.getBytes(StandardCharsets.UTF_8);
    private static final byte[] SCRIPT = "#!/bin/sh\necho script ran\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;
    Path mp;
    InMemoryStore store;
    InMemoryStore source;
    CountingPool pool;
    FuseMount mount;
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        FuseSupport.assumeFuse();
        mp = Files.createDirectory(tmp.resolve("mnt"));
        store = new InMemoryStore(0);
        source = (InMemoryStore) store.namespace("source");
        pool = new CountingPool(Files.createDirectory(tmp.resolve("pool")));
        StringBuilder json = new StringBuilder("{\"entries\": [");
        json.append(file("src/main.c", MAIN_C, "\"mode\": \"0644\"")).append(',');
        json.append(file("src/greet.h", GREET_H, "\"mode\": 420")).append(',');
        json.append(file("src/greet.c", GREET_C, "\"mode\": \"0600\"")).append(',');
        json.append(file("Makefile", MAKEFILE, "\"mode\": \"0644\"")).append(',');
        json.append(file("tools/run.sh", SCRIPT, "\"executable\": true")).append(',');
        json.append("{\"path\": \"out\", \"type\": \"directory\", \"mode\": \"0700\"},");
        json.append("{\"path\": \"src/link.h\", \"type\": \"symlink\", \"target\": \"greet.h\"}");
        json.append("]}");
        Manifest manifest = Manifest.parse(new java.io.ByteArrayInputStream(json.toString().getBytes(StandardCharsets.UTF_8)));
        mount = FuseSupport.mount(manifest, new StoreContentSource(source), pool, mp, err);
    }

    private String file(String path, byte[] content, String extra) throws Exception {
        String sha = FuseSupport.sha256(content);
        source.put(sha, "content", content);
        return "{\"path\": \"" + path + "\", \"size\": " + content.length + ", \"sha256\": \"" + sha + "\", "
                + extra + "}";
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (mount != null) {
                mount.close();
            }
        } finally {
            if (mp != null) {
                FuseSupport.forceUnmount(mp);
            }
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void listingAndStatComeFromTheManifestWithoutTouchingTheStore() throws Exception {
        assertEquals(List.of("Makefile", "out", "src", "tools"), list(mp));
        assertEquals(List.of("greet.c", "greet.h", "link.h", "main.c"), list(mp.resolve("src")));
        assertEquals(MAIN_C.length, Files.size(mp.resolve("src/main.c")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mp.resolve("src/greet.c"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(mp.resolve("src/greet.h"))));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(mp.resolve("tools/run.sh"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mp.resolve("out"))));
        assertTrue(Files.isSymbolicLink(mp.resolve("src/link.h")));
        assertEquals("greet.h", Files.readSymbolicLink(mp.resolve("src/link.h")).toString());
        assertEquals(0, source.hits(), "listing and stat must not fetch content");
        assertEquals(0, pool.files.get());
    }

    @Test
    void contentIsFetchedOnFirstReadOnlyAndKept() throws Exception {
        assertArrayEquals(MAIN_C, Files.readAllBytes(mp.resolve("src/main.c")));
        assertEquals(1, source.hits());
        assertArrayEquals(MAIN_C, Files.readAllBytes(mp.resolve("src/main.c")));
        assertArrayEquals(MAIN_C, Files.readAllBytes(mp.resolve("src/link.h").resolveSibling("main.c")));
        assertEquals(1, source.hits(), "the second read must be served from the kept copy");
        assertArrayEquals(GREET_H, Files.readAllBytes(mp.resolve("src/link.h")));
        assertEquals(2, source.hits());
    }

    @Test
    void writesTruncatesRenamesSymlinksAndDeletesGoToThePool() throws Exception {
        Path created = mp.resolve("out/result.txt");
        Files.write(created, "built output\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("built output\n", Files.readString(created));
        assertEquals(1, pool.files.get());
        assertEquals(13, pool.bytesWritten.get());
        Files.write(created, "more\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        assertEquals("built output\nmore\n", Files.readString(created));

        // Writing into an input copies it up: content fetched once, then changed in the pool only.
        Files.write(mp.resolve("src/greet.h"), "// edited\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
        assertEquals(new String(GREET_H, StandardCharsets.UTF_8) + "// edited\n", Files.readString(mp.resolve("src/greet.h")));
        assertArrayEquals(GREET_H, source.getBytes(FuseSupport.sha256(GREET_H), "content").orElseThrow());

        try (var ch = Files.newByteChannel(created, StandardOpenOption.WRITE)) {
            ch.truncate(5);
        }
        assertEquals("built", Files.readString(created));
        // Truncating an unread input to 0 needs no fetch.
        long hits = source.hits();
        Files.write(mp.resolve("Makefile"), new byte[0]);
        assertEquals(0, Files.size(mp.resolve("Makefile")));
        assertEquals(hits, source.hits());

        Files.move(created, mp.resolve("out/renamed.txt"), StandardCopyOption.ATOMIC_MOVE);
        assertFalse(Files.exists(created, LinkOption.NOFOLLOW_LINKS));
        assertEquals("built", Files.readString(mp.resolve("out/renamed.txt")));
        Files.move(mp.resolve("out/renamed.txt"), mp.resolve("src/main.c"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals("built", Files.readString(mp.resolve("src/main.c")));

        Files.createSymbolicLink(mp.resolve("out/ln"), Path.of("../src/main.c"));
        assertEquals("../src/main.c", Files.readSymbolicLink(mp.resolve("out/ln")).toString());
        assertEquals("built", Files.readString(mp.resolve("out/ln")));
        Files.createLink(mp.resolve("out/hard"), mp.resolve("src/main.c"));
        assertEquals(2, Files.getAttribute(mp.resolve("out/hard"), "unix:nlink"));
        assertEquals("built", Files.readString(mp.resolve("out/hard")));
        Files.writeString(mp.resolve("src/main.c"), "BUILT");
        assertEquals("BUILT", Files.readString(mp.resolve("out/hard")), "a write through one name shows through the other");

        Files.createDirectories(mp.resolve("out/a/b"));
        Files.delete(mp.resolve("out/ln"));
        Files.delete(mp.resolve("src/main.c"));
        assertEquals("BUILT", Files.readString(mp.resolve("out/hard")));
        Files.delete(mp.resolve("out/hard"));
        assertThrows(java.nio.file.DirectoryNotEmptyException.class, () -> Files.delete(mp.resolve("out/a")));
        Files.delete(mp.resolve("out/a/b"));
        Files.delete(mp.resolve("out/a"));
        assertEquals(List.of(), list(mp.resolve("out")));
        assertThrows(NoSuchFileException.class, () -> Files.size(mp.resolve("src/main.c")));
        assertEquals(1, pool.open.get(), "only the edited greet.h still holds a pool file");
    }

    @Test
    void buildsASmallCProjectWithMakeInsideTheMount() throws Exception {
        Process p = new ProcessBuilder("make", "-s").directory(mp.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(40, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), log);
        Process hello = new ProcessBuilder(mp.resolve("hello").toString()).redirectErrorStream(true).start();
        assertEquals("hello from the build directory\n", new String(hello.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(0, hello.waitFor());
        Process script = new ProcessBuilder(mp.resolve("tools/run.sh").toString()).redirectErrorStream(true).start();
        assertEquals("script ran\n", new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(pool.files.get() >= 3, "objects and the binary live in the pool");
    }

    @Test
    void outputsAreUploadedWithTheirDigests() throws Exception {
        byte[] bytes = "output bytes\n".getBytes(StandardCharsets.UTF_8);
        Files.write(mp.resolve("out/o.bin"), bytes);
        OutputUploader uploader = new OutputUploader(source, tmp);
        List<OutputUploader.Uploaded> up = uploader.upload(mp, List.of("out/o.bin", "src/greet.h"));
        assertEquals(List.of(new OutputUploader.Uploaded("out/o.bin", FuseSupport.sha256(bytes), bytes.length),
                new OutputUploader.Uploaded("src/greet.h", FuseSupport.sha256(GREET_H), GREET_H.length)), up);
        assertArrayEquals(bytes, source.getBytes(FuseSupport.sha256(bytes), "content").orElseThrow());
    }

    @Test
    void outputPathsCannotEscapeTheMount() throws Exception {
        Files.writeString(tmp.resolve("secret"), "outside");
        Files.createSymbolicLink(mp.resolve("out/escape"), tmp);
        Files.createSymbolicLink(mp.resolve("out/secret"), tmp.resolve("secret"));
        OutputUploader uploader = new OutputUploader(source, tmp);
        assertThrows(IllegalArgumentException.class, () -> uploader.upload(mp, List.of("../secret")));
        assertThrows(IllegalArgumentException.class, () -> uploader.upload(mp, List.of("/etc/passwd")));
        assertThrows(IllegalArgumentException.class, () -> uploader.upload(mp, List.of("out/./x")));
        assertThrows(java.nio.file.NotDirectoryException.class, () -> uploader.upload(mp, List.of("out/escape/secret")));
        IOException viaLink = assertThrows(IOException.class, () -> uploader.upload(mp, List.of("out/secret")));
        assertTrue(viaLink.getMessage().contains("symbolic link"), viaLink.getMessage());
        assertEquals(0, source.puts() - 5, "nothing but the five inputs was ever stored");
    }

    @Test
    void contentThatDoesNotMatchItsDigestIsAnIoError() throws Exception {
        // Replace the stored bytes of greet.c with other bytes under the same key.
        source.put(FuseSupport.sha256(GREET_C), Map.of("content", dev.cairn.spi.store.BlobSource.of("tampered".getBytes(StandardCharsets.UTF_8))));
        IOException e = assertThrows(IOException.class, () -> Files.readAllBytes(mp.resolve("src/greet.c")));
        assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
        assertEquals(0, pool.open.get(), "a failed fetch keeps nothing");
        long hits = source.hits();
        source.put(FuseSupport.sha256(GREET_C), "content", GREET_C); // repaired
        assertArrayEquals(GREET_C, Files.readAllBytes(mp.resolve("src/greet.c")), "the bad fetch was not kept");
        assertEquals(hits + 1, source.hits());
    }

    @Test
    void readsDoNotUseThePoolAndAHardLinkSharesTheFetch() throws Exception {
        Files.createLink(mp.resolve("out/main-again.c"), mp.resolve("src/main.c"));
        assertArrayEquals(MAIN_C, Files.readAllBytes(mp.resolve("out/main-again.c")));
        assertArrayEquals(MAIN_C, Files.readAllBytes(mp.resolve("src/main.c")));
        assertArrayEquals(SCRIPT, Files.readAllBytes(mp.resolve("tools/run.sh")));
        assertEquals(2, source.hits());
        assertEquals(0, pool.files.get(), "reading inputs allocates no pool file");
    }
}
