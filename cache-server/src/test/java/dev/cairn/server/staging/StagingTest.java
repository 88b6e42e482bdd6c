package dev.cairn.server.staging;

import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.pool.RegionType;
import dev.cairn.spi.store.BlobTooLargeException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StagingTest {
    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(7).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** A body that fails half-way, like a client that disconnects. */
    static InputStream failingAfter(byte[] prefix) {
        return new InputStream() {
            final InputStream in = new ByteArrayInputStream(prefix);

            @Override
            public int read() throws IOException {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("early EOF");
                }
                return c;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n < 0) {
                    throw new IOException("early EOF");
                }
                return n;
            }
        };
    }

    static long files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Nested
    class TempFiles {
        @TempDir
        Path dir;

        @Test
        void stagesRereadablyWithDigestAndFreesOnClose() throws Exception {
            byte[] body = random(300_000);
            try (TempFileStaging staging = TempFileStaging.open(dir)) {
                StagedUpload up = staging.stage(new ByteArrayInputStream(body), 0, true);
                assertEquals(body.length, up.size());
                assertEquals(sha256(body), up.sha256());
                assertEquals(1, staging.inFlight());
                for (int i = 0; i < 2; i++) {
                    try (InputStream in = up.open()) {
                        assertArrayEquals(body, in.readAllBytes());
                    }
                }
                up.close();
                assertEquals(0, files(dir));
                assertEquals(0, staging.inFlight());
            }
        }

        @Test
        void tooLargeAndFailedBodiesLeaveNothing() throws Exception {
            try (TempFileStaging staging = TempFileStaging.open(dir)) {
                assertThrows(BlobTooLargeException.class,
                        () -> staging.stage(new ByteArrayInputStream(random(100_001)), 100_000, false));
                assertThrows(IOException.class, () -> staging.stage(failingAfter(random(200_000)), 0, false));
                assertEquals(0, files(dir));
                assertEquals(0, staging.inFlight());
                StagedUpload up = staging.stage(new ByteArrayInputStream(new byte[0]), 0, false);
                assertNull(up.sha256());
                up.close();
            }
        }

        @Test
        void bodiesSmallerThanAChunkNeverTouchTheDisk() throws Exception {
            byte[] body = random(Staging.CHUNK - 1);
            try (TempFileStaging staging = TempFileStaging.open(dir);
                 StagedUpload up = staging.stage(new ByteArrayInputStream(body), 0, true)) {
                assertEquals(0, files(dir));
                assertEquals(sha256(body), up.sha256());
                try (InputStream in = up.open()) {
                    assertArrayEquals(body, in.readAllBytes());
                }
                StagedUpload chunk = staging.stage(new ByteArrayInputStream(random(Staging.CHUNK)), 0, false);
                assertEquals(1, files(dir), "a full chunk goes to a file");
                chunk.close();
            }
        }

        @Test
        void declaredBodiesUpToTheMemoryLimitStayOnTheHeapWithinItsBudget() throws Exception {
            byte[] body = random(1 << 20);
            try (TempFileStaging staging = TempFileStaging.open(dir)) {
                try (StagedUpload up = staging.stage(new ByteArrayInputStream(body), body.length, 0, true)) {
                    assertEquals(0, files(dir), "written once, by the store, not to staging first");
                    assertEquals(body.length, staging.memoryBytes());
                    assertEquals(sha256(body), up.sha256());
                    for (int i = 0; i < 2; i++) {
                        try (InputStream in = up.open()) {
                            assertArrayEquals(body, in.readAllBytes());
                        }
                    }
                }
                assertEquals(0, staging.memoryBytes(), "closing returns the heap");
                int fit = (int) (Staging.MEMORY_TOTAL / Staging.MEMORY_BLOB);
                java.util.List<StagedUpload> held = new java.util.ArrayList<>();
                try {
                    byte[] big = new byte[Staging.MEMORY_BLOB];
                    for (int i = 0; i < fit; i++) {
                        held.add(staging.stage(new ByteArrayInputStream(big), big.length, 0, false));
                    }
                    assertEquals(0, files(dir));
                    assertEquals(Staging.MEMORY_TOTAL, staging.memoryBytes());
                    held.add(staging.stage(new ByteArrayInputStream(body), body.length, 0, false));
                    assertEquals(1, files(dir), "beyond the heap budget a body goes to a file");
                } finally {
                    for (StagedUpload up : held) {
                        up.close();
                    }
                }
                assertEquals(0, staging.memoryBytes());
                assertEquals(0, files(dir));
                try (StagedUpload up = staging.stage(new ByteArrayInputStream(random(Staging.MEMORY_BLOB + 1)),
                        Staging.MEMORY_BLOB + 1, 0, false)) {
                    assertEquals(1, files(dir), "a body above the memory limit goes to a file");
                    assertEquals(Staging.MEMORY_BLOB + 1, up.size());
                }
            }
        }

        @Test
        void declaredBodiesThatAreShortLongOrBrokenLeaveNothing() throws Exception {
            try (TempFileStaging staging = TempFileStaging.open(dir)) {
                try (StagedUpload up = staging.stage(new ByteArrayInputStream(random(90_000)), 100_000, 0, false)) {
                    assertEquals(90_000, up.size(), "the handler compares the size with Content-Length");
                }
                assertThrows(IOException.class,
                        () -> staging.stage(new ByteArrayInputStream(random(100_001)), 100_000, 0, false));
                assertThrows(IOException.class, () -> staging.stage(failingAfter(random(200_000)), 300_000, 0, false));
                assertThrows(BlobTooLargeException.class,
                        () -> staging.stage(new ByteArrayInputStream(random(200_000)), 200_000, 100_000, false));
                assertEquals(0, staging.memoryBytes());
                assertEquals(0, files(dir));
            }
        }

        @Test
        void sweepsLeftoversOfACrashAtStart() throws Exception {
            Files.write(dir.resolve("upload-123.part"), new byte[10]);
            Files.write(dir.resolve("keep.txt"), new byte[1]);
            TempFileStaging.open(dir).close();
            assertFalse(Files.exists(dir.resolve("upload-123.part")));
            assertTrue(Files.exists(dir.resolve("keep.txt")), "only our own files are removed");
        }

        @Test
        void anOwnTempDirIsRemovedOnClose() throws Exception {
            TempFileStaging staging = TempFileStaging.open(null);
            Path own = staging.dir();
            staging.stage(new ByteArrayInputStream(random(10)), 0, false);
            staging.close();
            assertFalse(Files.exists(own));
        }
    }

    @Nested
    class Pool {
        @Test
        void stagesIntoPoolFilesAndFreesThem() throws Exception {
            HeapPool pool = new HeapPool();
            PoolStaging staging = new PoolStaging(pool);
            byte[] body = random(200_000);
            try (StagedUpload up = staging.stage(new ByteArrayInputStream(body), 0, true)) {
                assertEquals(1, pool.open);
                assertEquals(sha256(body), up.sha256());
                try (InputStream in = up.open()) {
                    assertArrayEquals(body, in.readAllBytes());
                }
            }
            assertEquals(0, pool.open);
            assertThrows(IOException.class, () -> staging.stage(failingAfter(random(100_000)), 0, false));
            assertEquals(0, pool.open);
            assertEquals(0, staging.inFlight());
        }
    }
}
