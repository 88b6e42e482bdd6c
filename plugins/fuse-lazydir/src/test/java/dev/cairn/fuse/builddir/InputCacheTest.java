package dev.cairn.fuse.builddir;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputCacheTest {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);

    @TempDir
    Path dir;
    final AtomicInteger calls = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile boolean fail;
    InputCache cache;

    @BeforeEach
    void setUp() throws IOException {
        cache = new InputCache((sha, size, into) -> {
            calls.incrementAndGet();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            if (fail) {
                throw new IOException("store unavailable");
            }
            byte[] bytes = (sha.substring(0, 1).repeat((int) size)).getBytes(StandardCharsets.UTF_8);
            into.writeAt(ByteBuffer.wrap(bytes, 0, 2), 0);
            into.writeAt(ByteBuffer.wrap(bytes, 2, bytes.length - 2), 2);
        }, dir);
    }

    @AfterEach
    void tearDown() throws IOException {
        cache.close();
    }

    private String read(InputCache.Extent e, long from) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(100);
        int n = cache.read(e, dst, from);
        return new String(dst.array(), 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void keepsEachDigestOnceAndReadsItBack() throws IOException {
        InputCache.Extent a = cache.fetch(A, 5);
        InputCache.Extent b = cache.fetch(B, 3);
        assertEquals(a, cache.fetch(A, 5));
        assertEquals(2, calls.get());
        assertEquals(new InputCache.Extent(0, 5), a);
        assertEquals(new InputCache.Extent(5, 3), b);
        assertEquals("aaaaa", read(a, 0));
        assertEquals("bb", read(b, 1));
        assertEquals("", read(b, 3));
        assertEquals(List.of(), listDir(), "the backing file is unlinked");
    }

    private List<Path> listDir() throws IOException {
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    @Timeout(20)
    void concurrentFirstReadsFetchOnce() throws Exception {
        gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<InputCache.Extent>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> cache.fetch(A, 4)));
            }
            long deadline = System.currentTimeMillis() + 10_000;
            while (calls.get() == 0 && System.currentTimeMillis() < deadline) {
                Thread.onSpinWait();
            }
            gate.countDown();
            for (Future<InputCache.Extent> f : results) {
                assertEquals(new InputCache.Extent(0, 4), f.get(10, TimeUnit.SECONDS));
            }
            assertEquals(1, calls.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedFetchIsForgottenAndRetried() throws IOException {
        fail = true;
        assertThrows(IOException.class, () -> cache.fetch(A, 4));
        fail = false;
        assertEquals("aaaa", read(cache.fetch(A, 4), 0));
        assertEquals(2, calls.get());
    }

    @Test
    void contentLargerThanDeclaredIsRefusedWithoutOverwritingItsNeighbour() throws IOException {
        InputCache small = new InputCache((sha, size, into) -> into.writeAt(ByteBuffer.wrap(new byte[10]), 0), dir);
        try (small) {
            IOException e = assertThrows(IOException.class, () -> small.fetch(A, 4));
            assertTrue(e.getMessage().contains("larger than the manifest"), e.getMessage());
        }
    }
}
