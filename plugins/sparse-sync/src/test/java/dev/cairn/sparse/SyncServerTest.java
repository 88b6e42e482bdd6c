package dev.cairn.sparse;

import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.service.Service;
import dev.cairn.testkit.FakeHostContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.cairn.sparse.SparseFiles.K4;
import static dev.cairn.sparse.SparseFiles.M1;
import static dev.cairn.sparse.SparseFiles.layout;
import static dev.cairn.sparse.SparseFiles.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class SyncServerTest {
    private Path dir;
    private Path root;
    private Path src;
    private SyncServer server;
    private final MutableClock clock = new MutableClock();
    private final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws Exception {
        dir = SparseFiles.tempDir();
        root = dir.resolve("root");
        src = dir.resolve("src.img");
        SparseFiles.create(src, 8 * M1 + 700, 1, 0, M1, 4 * M1, K4, 8 * M1, 700);
    }

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.stop();
        }
        SparseFiles.delete(dir);
    }

    private SyncServer start(String token, Duration idle) throws Exception {
        return start(token, idle, SparseFiles.IO);
    }

    private SyncServer start(String token, Duration idle, dev.cairn.spi.io.FileIoProcessorFactory io) throws Exception {
        FakeHostContext ctx = new FakeHostContext(dir).withFileIo(io).withClock(clock);
        Service s = new SyncServerFactory().create(new SyncServerConfig(null, 0, root.toString(), idle, token, 4), ctx);
        s.start();
        server = (SyncServer) s;
        assertEquals(List.of(server.url()), ctx.listeners());
        return server;
    }

    private SyncServer start() throws Exception {
        return start(null, null);
    }

    private RetryPolicy retry(int attempts) {
        return new RetryPolicy(attempts, Duration.ofMillis(100), Duration.ofSeconds(1), sleeps::add);
    }

    private HttpSyncTarget target(String path, String token, int attempts) {
        return new HttpSyncTarget(URI.create(server.url() + "/" + path), token, Duration.ofSeconds(20),
                retry(attempts));
    }

    private SyncSummary sync(SyncTarget target) throws IOException {
        return sync(target, 3);
    }

    private SyncSummary sync(SyncTarget target, int workers) throws IOException {
        try (FileIoProcessor io = SparseFiles.IO.open(src, Set.of(StandardOpenOption.READ))) {
            Progress p = new Progress("sync", io.size(), Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()),
                    false);
            return new SyncEngine(new SyncOptions(SyncOptions.DEFAULT_BATCH, workers, true, true), w -> { }).run(io,
                    src, target, p);
        }
    }

    @Nested
    class Transfer {
        @Test
        void newTargetThenIdenticalResync() throws Exception {
            start();
            HttpSyncTarget first = target("vm/disk.img", null, 3);
            SyncSummary s = sync(first);
            Path dst = root.resolve("vm/disk.img");
            assertEquals(layout(src), layout(dst));
            assertEquals(sha256(src), sha256(dst));
            assertEquals(M1 + K4 + 700, server.bytesReceived());
            assertEquals(M1 + K4 + 700, first.bytesSent());
            assertEquals(0, server.openSessions(), "commit ends the session");

            Files.setLastModifiedTime(src, Files.getLastModifiedTime(src)); // same mtime: fast path must not hide the test
            SyncRecord.clear(src);
            HttpSyncTarget again = target("vm/disk.img", null, 3);
            SyncSummary s2 = sync(again);
            assertFalse(s2.fastSkipped());
            assertEquals(0, s2.bytesSent());
            assertEquals(0, again.bytesSent());
            assertEquals(3, s2.checksums());
            assertEquals(M1 + K4 + 700, server.bytesReceived(), "nothing but checksums crossed the wire");
            assertTrue(s.verified() && s2.verified());
        }

        @Test
        void newTargetGetsOneRequestPerBatchAndIsVerifiedWithoutReadingItBack() throws Exception {
            // Batches 0 (M1 data, M1 hole), 2 (K4 data) and 4 (700 bytes): the server reads back only the parts of
            // each batch between the written ranges (holes here), never the data it wrote, to verify.
            CountingIo io = new CountingIo(SparseFiles.IO);
            start(null, null, io);
            HttpSyncTarget t = target("new.img", null, 3);
            SyncSummary s = sync(t);
            assertTrue(s.verified());
            assertEquals(sha256(src), sha256(root.resolve("new.img")));
            assertEquals(layout(src), layout(root.resolve("new.img")));
            assertEquals(3, s.batchesSent());
            assertEquals(1 + 3 + 1, t.requests(), "open, one request per batch, commit");
            assertEquals(M1 + (2 * M1 - K4), io.bytesRead.get(), "only the holes between written ranges are read");
            assertTrue(SyncRecord.read(root.resolve("new.img")).isPresent());
        }

        @Test
        void dataCorruptedOnTheWayFailsVerificationAndRecordsNothing() throws Exception {
            start();
            HttpSyncTarget http = target("bad.img", null, 3);
            SyncTarget corrupting = new SyncTarget() {
                @Override
                public boolean open(long size) throws IOException {
                    return http.open(size);
                }

                @Override
                public List<dev.cairn.spi.io.Interval> layout() throws IOException {
                    return http.layout();
                }

                @Override
                public void punchHole(long offset, long length) throws IOException {
                    http.punchHole(offset, length);
                }

                @Override
                public byte[] checksum(long offset, int length) throws IOException {
                    return http.checksum(offset, length);
                }

                @Override
                public void write(long offset, byte[] bytes, int from, int length) throws IOException {
                    throw new AssertionError("the engine sends whole batches");
                }

                @Override
                public void writeBatch(long offset, int length, List<dev.cairn.spi.io.Interval> ranges, byte[] bytes)
                        throws IOException {
                    byte[] copy = bytes.clone();
                    copy[(int) (ranges.get(0).offset() - offset)] ^= 1; // what the server receives is not the source
                    http.writeBatch(offset, length, ranges, copy);
                }

                @Override
                public java.util.Optional<String> recorded() throws IOException {
                    return http.recorded();
                }

                @Override
                public void commit(byte[] expected, int batchSize) throws IOException {
                    http.commit(expected, batchSize);
                }

                @Override
                public void close() throws IOException {
                    http.close();
                }
            };
            assertThrows(VerificationException.class, () -> sync(corrupting));
            assertTrue(SyncRecord.read(root.resolve("bad.img")).isEmpty(), "no record on the target");
            assertTrue(SyncRecord.read(src).isEmpty(), "no record on the source");
            assertEquals(0, server.openSessions());
            SyncSummary repaired = sync(target("bad.img", null, 3));
            assertEquals(3, repaired.batchesSent(), "every corrupted batch is found by its checksum and resent");
            assertEquals(sha256(src), sha256(root.resolve("bad.img")));
            assertTrue(SyncRecord.read(root.resolve("bad.img")).isPresent());
        }

        @Test
        void badBatchRangesAreRefused() throws Exception {
            start();
            HttpSyncTarget t = target("r.img", null, 1);
            t.open(8 * M1);
            byte[] data = new byte[2 * M1];
            List<dev.cairn.spi.io.Interval> overlapping = List.of(
                    new dev.cairn.spi.io.Interval(0, M1, dev.cairn.spi.io.Interval.Kind.DATA),
                    new dev.cairn.spi.io.Interval(M1 / 2, K4, dev.cairn.spi.io.Interval.Kind.DATA));
            RemoteException e = assertThrows(RemoteException.class, () -> t.writeBatch(0, 2 * M1, overlapping, data));
            assertEquals(400, e.status(), e.getMessage());
            List<dev.cairn.spi.io.Interval> outside = List.of(
                    new dev.cairn.spi.io.Interval(M1 / 2, M1, dev.cairn.spi.io.Interval.Kind.DATA));
            e = assertThrows(RemoteException.class, () -> t.writeBatch(0, M1, outside, data));
            assertEquals(400, e.status(), e.getMessage());
            t.write(0, data, 0, K4); // the connection is still usable after the refusals
            assertEquals(K4, server.bytesReceived(), "nothing of the refused batches was written");
            t.close();
        }

        @Test
        void fastPathSkipsAVerifiedFile() throws Exception {
            start();
            sync(target("a.img", null, 3));
            HttpSyncTarget t = target("a.img", null, 3);
            assertTrue(sync(t).fastSkipped());
            assertEquals(1, t.requests(), "one request: the record lookup");
        }

        @Test
        void changedBatchOnly() throws Exception {
            start();
            sync(target("a.img", null, 3));
            SparseFiles.overwrite(src, 8 * M1, 100, 3);
            long before = server.bytesReceived();
            SyncSummary s = sync(target("a.img", null, 3));
            assertEquals(700, s.bytesSent());
            assertEquals(before + 700, server.bytesReceived());
            assertEquals(sha256(src), sha256(root.resolve("a.img")));
        }
    }

    @Nested
    class Retries {
        @Test
        void serverErrorsAreRetried() throws Exception {
            start();
            AtomicInteger failures = new AtomicInteger();
            server.faults((method, op) -> op.equals("batch") && failures.getAndIncrement() < 2 ? 500 : 0);
            // One worker: the first write fails twice, then succeeds; the waits double.
            SyncSummary s = sync(target("r.img", null, 5), 1);
            assertEquals(sha256(src), sha256(root.resolve("r.img")));
            assertTrue(s.verified());
            assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), sleeps);
            assertEquals(M1 + K4 + 700, server.bytesReceived(), "each failed write was retried, none written twice");
        }

        @Test
        void throttledRequestsBackOffExponentially() throws Exception {
            start();
            AtomicInteger n = new AtomicInteger();
            server.faults((method, op) -> op.equals("open") && n.getAndIncrement() < 3 ? 429 : 0);
            sync(target("t.img", null, 5));
            assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400)), sleeps);
            assertEquals(sha256(src), sha256(root.resolve("t.img")));
        }

        @Test
        void badRequestIsNotRetried() throws Exception {
            start();
            AtomicInteger calls = new AtomicInteger();
            server.faults((method, op) -> op.equals("batch") && calls.incrementAndGet() > 0 ? 400 : 0);
            RemoteException e = assertThrows(RemoteException.class, () -> sync(target("b.img", null, 5)));
            assertEquals(400, e.status());
            assertEquals(List.of(), sleeps);
            assertTrue(calls.get() <= 3, "each of at most 3 workers tried once: " + calls.get());
            assertTrue(SyncRecord.read(root.resolve("b.img")).isEmpty());
            assertEquals(0, server.openSessions(), "the failed client closed its session");
        }

        @Test
        void serverDownMidSyncThenResume() throws Exception {
            start();
            AtomicInteger writes = new AtomicInteger();
            server.faults((method, op) -> op.equals("batch") && writes.incrementAndGet() > 1 ? 503 : 0);
            HttpSyncTarget t = new HttpSyncTarget(URI.create(server.url() + "/d.img"), null,
                    Duration.ofSeconds(20), retry(3));
            try (FileIoProcessor io = SparseFiles.IO.open(src, Set.of(StandardOpenOption.READ))) {
                Progress p = new Progress("sync", io.size(), Clock.systemUTC(),
                        new PrintStream(new ByteArrayOutputStream()), false);
                assertThrows(RemoteException.class, () -> new SyncEngine(new SyncOptions(SyncOptions.DEFAULT_BATCH,
                        1, true, true), w -> { }).run(io, src, t, p));
            }
            assertEquals(M1, server.bytesReceived(), "the first batch got through before the outage");
            assertTrue(SyncRecord.read(root.resolve("d.img")).isEmpty(), "no record from a failed sync");
            server.faults((m, o) -> 0);
            SyncSummary resumed = sync(target("d.img", null, 3));
            assertEquals(K4 + 700, resumed.bytesSent(), "only the batches that never arrived");
            assertEquals(sha256(src), sha256(root.resolve("d.img")));
        }

        @Test
        void nothingListeningIsATransportErrorRetriedThenReported() throws Exception {
            start();
            String url = server.url();
            server.stop();
            server = null;
            HttpSyncTarget t = new HttpSyncTarget(URI.create(url + "/x.img"), null, Duration.ofSeconds(5),
                    retry(3));
            IOException e = assertThrows(IOException.class, () -> sync(t));
            assertFalse(e instanceof RemoteException);
            assertEquals(2, sleeps.size(), "3 attempts, 2 waits");
        }
    }

    @Nested
    class Security {
        @Test
        void tokenIsRequiredWhenConfigured() throws Exception {
            start("s3cret", null);
            RemoteException none = assertThrows(RemoteException.class, () -> sync(target("a.img", null, 3)));
            assertEquals(401, none.status());
            RemoteException wrong = assertThrows(RemoteException.class, () -> sync(target("a.img", "guess", 3)));
            assertEquals(401, wrong.status());
            assertFalse(Files.exists(root.resolve("a.img")));
            sync(target("a.img", "s3cret", 3));
            assertEquals(sha256(src), sha256(root.resolve("a.img")));
        }

        @Test
        void pathsOutsideTheRootAreRefused() throws Exception {
            start();
            Path outside = Files.createDirectories(dir.resolve("outside"));
            Files.createSymbolicLink(root.resolve("link"), outside);
            Files.createSymbolicLink(root.resolve("file-link"), dir.resolve("outside/victim.img"));
            for (String path : List.of("../outside/x.img", "vm/../../outside/x.img", "/" + outside + "/x.img",
                    "link/x.img", "file-link", "vm/./x.img", "%2e%2e/outside/x.img")) {
                RemoteException e = assertThrows(RemoteException.class, () -> sync(target(path, null, 3)), path);
                assertTrue(e.status() == 403 || e.status() == 400, path + ": " + e.getMessage());
            }
            try (var list = Files.list(outside)) {
                assertEquals(List.of(), list.toList(), "nothing was created outside the root");
            }
            assertEquals(List.of(), sleeps, "refusals are not retried");
        }
    }

    @Nested
    class Sessions {
        @Test
        void idleSessionsAreClosedAndTheirRequestsRefused() throws Exception {
            start(null, Duration.ofSeconds(30));
            HttpSyncTarget t = target("idle.img", null, 3);
            assertFalse(t.open(4 * K4));
            assertEquals(1, server.openSessions());
            clock.advance(Duration.ofSeconds(29));
            server.reapIdle();
            assertEquals(1, server.openSessions(), "not idle long enough yet");
            clock.advance(Duration.ofSeconds(2));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.openSessions() != 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L); // polling with a deadline
            }
            assertEquals(0, server.openSessions(), "the reaper closed the idle session");
            RemoteException e = assertThrows(RemoteException.class, () -> t.write(0, new byte[K4], 0, K4));
            assertEquals(404, e.status());
            assertEquals(List.of(), sleeps);
        }

        @Test
        void aTargetIsSyncedByOneSessionAtATime() throws Exception {
            start();
            HttpSyncTarget a = target("busy.img", null, 1);
            a.open(K4);
            HttpSyncTarget b = target("busy.img", null, 1);
            RemoteException e = assertThrows(RemoteException.class, () -> b.open(K4));
            assertEquals(409, e.status());
            assertTrue(a.open(K4), "a retried open joins its own session");
            a.close();
            b.open(K4);
            b.close();
        }
    }
}
