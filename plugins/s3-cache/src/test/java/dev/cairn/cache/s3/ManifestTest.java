package dev.cairn.cache.s3;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestTest {
    @Test
    void referencedBlobsRoundTrip() throws IOException {
        Manifest m = new Manifest("g1", Map.of("output", 5L, "stdout", 0L));
        Manifest back = Manifest.decode(m.encode(), "t");
        assertEquals("g1", back.generation());
        assertEquals(Map.of("output", 5L, "stdout", 0L), back.sizes());
        assertFalse(back.isInline());
    }

    @Test
    void inlineBlobsRoundTripEvenWithBlankLinesInside() throws IOException {
        byte[] tricky = "\n\nblob x 1\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Manifest m = new Manifest("g2", Map.of("output", (long) tricky.length, "stderr", 0L),
                Map.of("output", tricky, "stderr", new byte[0]));
        Manifest back = Manifest.decode(m.encode(), "t");
        assertTrue(back.isInline());
        assertArrayEquals(tricky, back.inline().get("output"));
        assertArrayEquals(new byte[0], back.inline().get("stderr"));
    }

    @Test
    void corruptMarkersAreErrorsNamingTheObject() {
        byte[] good = new Manifest("g", Map.of("output", 3L), Map.of("output", new byte[]{1, 2, 3})).encode();
        IOException cut = assertThrows(IOException.class,
                () -> Manifest.decode(Arrays.copyOf(good, good.length - 1), "p/_default/ab/abc/.entry"));
        assertTrue(cut.getMessage().contains("p/_default/ab/abc/.entry") && cut.getMessage().contains("cut short"));
        assertThrows(IOException.class, () -> Manifest.decode(Arrays.copyOf(good, good.length + 1), "t"));
        assertThrows(IOException.class, () -> Manifest.decode("not a marker".getBytes(), "t"));
        assertThrows(IOException.class, () -> Manifest.decode("cairn-s3-entry 1\ngeneration g\nblob x y\n".getBytes(),
                "t"));
    }
}
