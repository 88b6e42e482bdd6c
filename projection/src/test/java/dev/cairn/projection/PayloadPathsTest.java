package dev.cairn.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PayloadPathsTest {
    @Nested
    class Valid {
        @ParameterizedTest(name = "{0} -> {1}")
        @CsvSource({
            "foo, foo",
            "foo/bar, foo/bar",
            "foo//bar, foo/bar",
            "./foo, foo",
            "foo/./bar/, foo/bar",
            "foo/..bar, foo/..bar",
            ".foo, .foo",
            "foo/.., ''",
        })
        void cleans(String path, String expected) {
            if (expected.isEmpty()) {
                // "foo/.." has a '..' element: refused before cleaning, as upstream
                assertThrows(InvalidPayloadException.class, () -> PayloadPaths.clean(path));
            } else {
                assertEquals(expected, PayloadPaths.clean(path));
            }
        }

        @Test
        void nameOfExactly255BytesAndPathOfExactly4096Bytes() {
            String name = "n".repeat(255);
            assertEquals(name, PayloadPaths.clean(name));
            String path = ("x".repeat(254) + "/").repeat(16) + "y".repeat(16);
            assertEquals(4096, path.length());
            assertEquals(path, PayloadPaths.clean(path));
        }
    }

    @Nested
    class Invalid {
        @ParameterizedTest(name = "\"{0}\"")
        @ValueSource(strings = {"", "/etc/passwd", "/", "..", "../foo", "foo/../bar", "foo/..", "..foo", "..data",
            "..data/x", "..data_tmp", "...", "..2026_01_01_00_00_00.1/x", ".", "./", "//", "a\0b"})
        void refused(String path) {
            assertThrows(InvalidPayloadException.class, () -> PayloadPaths.clean(path));
        }

        @Test
        void firstElementThatCleansIntoTheReservedNamespace() {
            // Upstream gap: "./..foo" passes upstream's check of the raw first element and cleans to "..foo".
            InvalidPayloadException e =
                    assertThrows(InvalidPayloadException.class, () -> PayloadPaths.clean("./..foo"));
            assertTrue(e.getMessage().contains("reserved '..' namespace"), e.getMessage());
            assertThrows(InvalidPayloadException.class, () -> PayloadPaths.clean(".//./..data/x"));
        }

        @Test
        void nameLongerThan255Bytes() {
            InvalidPayloadException e =
                    assertThrows(InvalidPayloadException.class, () -> PayloadPaths.clean("d/" + "n".repeat(256)));
            assertTrue(e.getMessage().contains("at most 255 bytes"), e.getMessage());
            // 128 two-byte characters are 256 bytes: the limit is in bytes, as upstream's len()
            assertThrows(InvalidPayloadException.class, () -> PayloadPaths.clean("\u00e9".repeat(128)));
        }

        @Test
        void pathLongerThan4096Bytes() {
            String path = ("a".repeat(200) + "/").repeat(20) + "x".repeat(77);
            assertEquals(4097, path.length());
            InvalidPayloadException e = assertThrows(InvalidPayloadException.class, () -> PayloadPaths.clean(path));
            assertTrue(e.getMessage().contains("at most 4096 bytes"), e.getMessage());
        }
    }

    @Nested
    class Payloads {
        @Test
        void cleanedAndSorted() {
            Map<String, PayloadFile> in = new LinkedHashMap<>();
            in.put("z", PayloadFile.ofUtf8("z"));
            in.put("a//b", PayloadFile.ofUtf8("b"));
            assertEquals(List.of("a/b", "z"), List.copyOf(PayloadPaths.cleanPayload(in).keySet()));
        }

        @Test
        void twoPathsCleaningToTheSamePath() {
            InvalidPayloadException e = assertThrows(InvalidPayloadException.class, () -> PayloadPaths.cleanPayload(
                    Map.of("a//b", PayloadFile.ofUtf8("1"), "a/b", PayloadFile.ofUtf8("2"))));
            assertTrue(e.getMessage().contains("both clean to \"a/b\""), e.getMessage());
        }

        @Test
        void fileThatIsAlsoADirectory() {
            InvalidPayloadException e = assertThrows(InvalidPayloadException.class, () -> PayloadPaths.cleanPayload(
                    Map.of("a", PayloadFile.ofUtf8("1"), "a/b/c", PayloadFile.ofUtf8("2"))));
            assertTrue(e.getMessage().contains("both a file and a directory"), e.getMessage());
        }
    }
}
