package dev.cairn.projection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProjectionSourceTest {
    @TempDir
    Path tmp;

    static void write(Path file, String content, String perms) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
    }

    @Nested
    class DirectoryTree {
        @Test
        void filesWithTheirModesSorted() throws IOException {
            Path src = tmp.resolve("src");
            write(src.resolve("b.txt"), "b", "rw-------");
            write(src.resolve("a/run.sh"), "#!/bin/sh", "rwxr-xr-x");
            write(src.resolve("a/deep/c"), "c", "rw-r--r--");
            Files.createDirectories(src.resolve("empty"));

            SortedMap<String, PayloadFile> payload = ProjectionSource.of(src).read();

            assertEquals(List.of("a/deep/c", "a/run.sh", "b.txt"), List.copyOf(payload.keySet()));
            assertEquals(PayloadFile.ofUtf8("b", 0600), payload.get("b.txt"));
            assertEquals(PayloadFile.ofUtf8("#!/bin/sh", 0755), payload.get("a/run.sh"));
            assertEquals(PayloadFile.ofUtf8("c", 0644), payload.get("a/deep/c"));
        }

        @Test
        void symlinksInsideTheRootAreFollowed() throws IOException {
            Path src = tmp.resolve("src");
            write(src.resolve("real/file"), "x", "rw-r--r--");
            Files.createSymbolicLink(src.resolve("link"), Path.of("real/file"));
            Files.createSymbolicLink(src.resolve("dirlink"), Path.of("real"));

            SortedMap<String, PayloadFile> payload = ProjectionSource.directory(src).read();

            assertEquals(List.of("dirlink/file", "link", "real/file"), List.copyOf(payload.keySet()));
            assertEquals(PayloadFile.ofUtf8("x"), payload.get("link"));
        }

        @Test
        void symlinkOutsideTheRootIsRefused() throws IOException {
            Path src = tmp.resolve("src");
            write(tmp.resolve("secret"), "outside", "rw-------");
            write(src.resolve("ok"), "ok", "rw-r--r--");
            Files.createSymbolicLink(src.resolve("escape"), Path.of("../secret"));

            InvalidPayloadException e =
                    assertThrows(InvalidPayloadException.class, () -> ProjectionSource.directory(src).read());
            assertTrue(e.getMessage().contains("\"escape\"") && e.getMessage().contains("outside the source"),
                    e.getMessage());
        }

        @Test
        void danglingAndLoopingSymlinksAreRefused() throws IOException {
            Path src = tmp.resolve("src");
            Files.createDirectories(src);
            Files.createSymbolicLink(src.resolve("dangling"), Path.of("nowhere"));
            InvalidPayloadException dangling =
                    assertThrows(InvalidPayloadException.class, () -> ProjectionSource.directory(src).read());
            assertTrue(dangling.getMessage().contains("dangles"), dangling.getMessage());

            Files.delete(src.resolve("dangling"));
            Files.createDirectories(src.resolve("d"));
            Files.createSymbolicLink(src.resolve("d/up"), Path.of(".."));
            InvalidPayloadException loop =
                    assertThrows(InvalidPayloadException.class, () -> ProjectionSource.directory(src).read());
            assertTrue(loop.getMessage().contains("loops"), loop.getMessage());
        }

        @Test
        void aProjectedDirectoryReadsBackAsItsPayload() throws IOException {
            // e.g. projecting a mounted ConfigMap again: visible links followed, ..data machinery skipped
            Path projected = tmp.resolve("configmap");
            Map<String, PayloadFile> original = new TreeMap<>(Map.of(
                    "cairn.yaml", PayloadFile.ofUtf8("a: 1\n"),
                    "certs/tls.key", PayloadFile.ofUtf8("key", 0600)));
            new AtomicWriter(projected).write(original);

            assertEquals(original, ProjectionSource.of(projected).read());
        }

        @Test
        void fifoIsRefused() throws Exception {
            Path src = tmp.resolve("src");
            Files.createDirectories(src);
            Process p = new ProcessBuilder("mkfifo", src.resolve("pipe").toString()).start();
            assertEquals(0, p.waitFor());
            InvalidPayloadException e =
                    assertThrows(InvalidPayloadException.class, () -> ProjectionSource.directory(src).read());
            assertTrue(e.getMessage().contains("neither a regular file nor a directory"), e.getMessage());
        }

        @Test
        void watchedDirectoriesAreEveryDirectory() throws IOException {
            Path src = tmp.resolve("src");
            write(src.resolve("a/b/c"), "c", "rw-r--r--");
            write(src.resolve("d/e"), "e", "rw-r--r--");
            List<Path> dirs = ProjectionSource.directory(src).watchedDirectories();
            Path real = src.toRealPath();
            assertEquals(List.of(src.toAbsolutePath(), real.resolve("a"), real.resolve("a/b"), real.resolve("d")),
                    dirs);
        }
    }

    @Nested
    class Json {
        Path json(String text) throws IOException {
            Path f = tmp.resolve("payload.json");
            Files.writeString(f, text);
            return f;
        }

        @Test
        void contentBase64ModeAndOwner() throws IOException {
            Path f = json("""
                    {
                      "app.yaml": {"content": "level: info\\n"},
                      "certs//tls.key": {"base64": "AAEC/w==", "mode": "0600"},
                      "bin/run.sh": {"content": "#!/bin/sh\\n", "mode": "755", "uid": 1000, "gid": 1001}
                    }
                    """);

            ProjectionSource source = ProjectionSource.of(f);
            assertInstanceOf(JsonPayloadSource.class, source);
            SortedMap<String, PayloadFile> payload = source.read();

            assertEquals(List.of("app.yaml", "bin/run.sh", "certs/tls.key"), List.copyOf(payload.keySet()));
            assertEquals(PayloadFile.ofUtf8("level: info\n", 0644), payload.get("app.yaml"));
            assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, payload.get("certs/tls.key").bytes());
            assertEquals(0600, payload.get("certs/tls.key").mode());
            assertEquals(new PayloadFile("#!/bin/sh\n".getBytes(StandardCharsets.UTF_8), 0755, OptionalInt.of(1000),
                    OptionalInt.of(1001)), payload.get("bin/run.sh"));
            assertEquals(List.of(tmp.toAbsolutePath()), source.watchedDirectories());
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
            "not json                  | {nope                                           | not valid JSON",
            "array                     | []                                              | must hold a JSON object",
            "file not an object        | {\"a\": \"text\"}                               | must be an object",
            "neither content nor b64   | {\"a\": {}}                                     | exactly one of",
            "both content and b64      | {\"a\": {\"content\": \"x\", \"base64\": \"eA==\"}} | exactly one of",
            "unknown key               | {\"a\": {\"content\": \"x\", \"owner\": 1}}     | unknown key \"owner\"",
            "numeric mode              | {\"a\": {\"content\": \"x\", \"mode\": 644}}     | octal string",
            "mode out of range         | {\"a\": {\"content\": \"x\", \"mode\": \"1777\"}} | octal string",
            "bad base64                | {\"a\": {\"base64\": \"!!!\"}}                 | not Base64",
            "negative uid              | {\"a\": {\"content\": \"x\", \"uid\": -1}}      | non-negative integer",
            "duplicate path            | {\"a\": {\"content\": \"x\"}, \"a\": {\"content\": \"y\"}} | not valid JSON",
            "escaping path             | {\"../a\": {\"content\": \"x\"}}              | must not contain '..'",
            "reserved path             | {\"./..data\": {\"content\": \"x\"}}          | reserved '..' namespace",
        })
        void malformedDocumentsAreRefusedNamingTheProblem(String name, String text, String expected)
                throws IOException {
            Path f = json(text);
            InvalidPayloadException e =
                    assertThrows(InvalidPayloadException.class, () -> ProjectionSource.json(f).read());
            assertTrue(e.getMessage().contains(expected), name + ": " + e.getMessage());
        }

        @Test
        void missingSourceIsNoSuchFile() {
            assertThrows(NoSuchFileException.class, () -> ProjectionSource.of(tmp.resolve("missing")));
        }
    }
}
