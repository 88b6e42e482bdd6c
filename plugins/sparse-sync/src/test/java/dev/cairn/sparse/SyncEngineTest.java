package dev.cairn.sparse;

import dev.cairn.spi.io.FileIoProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static dev.cairn.sparse.SparseFiles.K4;
import static dev.cairn.sparse.SparseFiles.M1;
import static dev.cairn.sparse.SparseFiles.intervals;
import static dev.cairn.sparse.SparseFiles.layout;
import static dev.cairn.sparse.SparseFiles.sha256;
import static dev.cairn.spi.io.Interval.Kind.DATA;
import static dev.cairn.spi.io.Interval.Kind.HOLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyncEngineTest {
    private Path dir;
    private Path src;
    private Path dst;
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dir = SparseFiles.tempDir();
        src = dir.resolve("src.img");
        dst = dir.resolve("dst.img");
    }

    @AfterEach
    void tearDown() throws IOException {
        SparseFiles.delete(dir);
    }

    private SyncSummary sync(SyncTarget target, SyncOptions options) throws IOException {
        try (FileIoProcessor io = SparseFiles.IO.open(src, Set.of(StandardOpenOption.READ))) {
            Progress p = new Progress("sync", io.size(), Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()),
                    false);
            SyncSummary s = new SyncEngine(options, warnings::add).run(io, src, target, p);
            assertEquals(io.size(), p.scanned(), "every byte is accounted as scanned");
            return s;
        }
    }

    private CountingTarget target(int failAtWrite) {
        return new CountingTarget(new TargetFile(dst, SparseFiles.IO), failAtWrite);
    }

    private SyncSummary sync() throws IOException {
        return sync(target(0), SyncOptions.defaults());
    }

    /** 8 MiB + 700 bytes: data in batch 0, a hole over batch 1, data at the start of batch 2 and at the tail. */
    private void standardSource() throws IOException {
        SparseFiles.create(src, 8 * M1 + 700, 1, 0, M1, 4 * M1, K4, 8 * M1, 700);
    }

    private static final List<dev.cairn.spi.io.Interval> STANDARD = intervals(0, M1, DATA, M1, 3 * M1, HOLE,
            4 * M1, K4, DATA, 4 * M1 + K4, 4 * M1 - K4, HOLE, 8 * M1, 700, DATA);

    @Nested
    class NewTarget {
        @Test
        void copiesDataAndKeepsHoles() throws IOException {
            standardSource();
            assertEquals(STANDARD, layout(src));
            CountingTarget t = target(0);
            SyncSummary s = sync(t, SyncOptions.defaults());
            assertEquals(STANDARD, layout(dst));
            assertEquals(sha256(src), sha256(dst));
            assertEquals(M1 + K4 + 700, s.bytesSent());
            assertEquals(M1 + K4 + 700, t.bytesWritten.get());
            assertEquals(0, t.checksums.get(), "a new target needs no checksums");
            assertEquals(0, t.holes.get(), "a new target is all hole already");
            assertFalse(s.targetExisted());
            assertTrue(s.verified());
        }

        @Test
        void emptyAndAllHoleFiles() throws IOException {
            SparseFiles.create(src, 0, 1);
            assertEquals(0, sync().bytesSent());
            assertEquals(0, Files.size(dst));
            assertEquals(List.of(), layout(dst));
            SparseFiles.create(src, 5 * M1, 1);
            assertEquals(0, sync().bytesSent());
            assertEquals(intervals(0, 5 * M1, HOLE), layout(dst));
        }

        @ParameterizedTest
        @ValueSource(ints = {4096, 7680, 8192, 8704})
        void smallSizes(int size) throws IOException {
            SparseFiles.create(src, size, 3, 0, size);
            SyncSummary s = sync();
            assertEquals(size, s.bytesSent());
            assertEquals(intervals(0, size, DATA), layout(dst));
            assertEquals(sha256(src), sha256(dst));
        }

        @Test
        void random100MiBFile() throws IOException {
            Random r = new Random(100);
            List<Long> ranges = new ArrayList<>();
            long pos = 0;
            long size = 100L * M1;
            while (pos < size) {
                long hole = (long) K4 * r.nextInt(400);
                long data = Math.min((long) K4 * (1 + r.nextInt(300)), size - pos - hole);
                if (data <= 0) {
                    break;
                }
                ranges.add(pos + hole);
                ranges.add(data);
                pos += hole + data;
            }
            SparseFiles.create(src, size, 5, ranges.stream().mapToLong(Long::longValue).toArray());
            SyncSummary s = sync(target(0), new SyncOptions(SyncOptions.DEFAULT_BATCH, 4, true, false));
            assertEquals(layout(src), layout(dst));
            assertEquals(sha256(src), sha256(dst));
            assertEquals(SparseFiles.dataBytes(src), s.bytesSent());
        }
    }

    @Nested
    class ExistingTarget {
        @Test
        void identicalTargetGetsOnlyChecksums() throws IOException {
            standardSource();
            sync();
            CountingTarget t = target(0);
            SyncSummary s = sync(t, SyncOptions.defaults());
            assertEquals(0, s.bytesSent());
            assertEquals(0, t.bytesWritten.get());
            assertEquals(3, t.checksums.get(), "one checksum per batch with data: batches 0, 2 and 4");
            assertEquals(3, s.batchesSkipped());
            assertEquals(0, t.holes.get(), "the target's holes are already where the source's are");
            assertTrue(s.targetExisted());
            assertEquals(STANDARD, layout(dst));
        }

        @Test
        void verificationReusesTheChecksumsOfUnchangedBatches() throws IOException {
            standardSource();
            sync();
            CountingIo io = new CountingIo(SparseFiles.IO);
            sync(new TargetFile(dst, io), SyncOptions.defaults());
            assertEquals(2 * M1 + 2 * M1 + 700, io.bytesRead.get(),
                    "batches 0, 2 and 4 read once for their checksums, not again to verify");
            SparseFiles.overwrite(src, 8 * M1, 10, 1);
            CountingIo again = new CountingIo(SparseFiles.IO);
            // One worker: no checksum is computed while a write is in flight, so every clean one is kept.
            sync(new TargetFile(dst, again), new SyncOptions(SyncOptions.DEFAULT_BATCH, 1, true, false));
            assertEquals(2 * M1 + 2 * M1 + 700, again.bytesRead.get(),
                    "the rewritten batch's digest comes from its write: nothing is read back to verify");
        }

        @Test
        void changedBlockSendsOnlyItsBatch() throws IOException {
            standardSource();
            sync();
            SparseFiles.overwrite(src, 4 * M1, K4, 99);
            CountingTarget t = target(0);
            SyncSummary s = sync(t, SyncOptions.defaults());
            assertEquals(K4, s.bytesSent(), "only batch 2's data");
            assertEquals(1, s.batchesSent());
            assertEquals(sha256(src), sha256(dst));
        }

        @Test
        void dataBecomesHoleAndHoleBecomesData() throws IOException {
            standardSource();
            sync();
            SparseFiles.punch(src, 0, 512 * 1024); // data -> hole
            SparseFiles.overwrite(src, 2 * M1, 2 * K4, 7); // hole -> data
            SyncSummary s = sync();
            List<dev.cairn.spi.io.Interval> expected = intervals(0, 512 * 1024, HOLE, 512 * 1024, 512 * 1024, DATA,
                    M1, M1, HOLE, 2 * M1, 2 * K4, DATA, 2 * M1 + 2 * K4, 2 * M1 - 2 * K4, HOLE,
                    4 * M1, K4, DATA, 4 * M1 + K4, 4 * M1 - K4, HOLE, 8 * M1, 700, DATA);
            assertEquals(expected, layout(src));
            assertEquals(expected, layout(dst), "the hole punched in the source is punched in the target too");
            assertEquals(sha256(src), sha256(dst));
            assertEquals(2 * K4, s.bytesSent(), "only the new data: batch 0 matches once its new hole is punched");
        }

        @Test
        void longerTargetIsCutAndShorterTargetGrows() throws IOException {
            standardSource();
            SparseFiles.create(dst, 20 * M1, 4, 0, M1, 15 * M1, M1);
            sync();
            assertEquals(STANDARD, layout(dst));
            assertEquals(sha256(src), sha256(dst));
            SparseFiles.create(dst, 2 * M1, 4, 0, M1);
            sync();
            assertEquals(STANDARD, layout(dst));
            assertEquals(sha256(src), sha256(dst));
        }

        @Test
        void targetDifferingInAFewBlocksIsRepaired() throws IOException {
            standardSource();
            sync();
            SparseFiles.overwrite(dst, 8 * M1, 100, 5);
            SparseFiles.overwrite(dst, 6 * M1, K4, 5);
            SyncSummary s = sync();
            assertEquals(sha256(src), sha256(dst));
            assertEquals(STANDARD, layout(dst));
            assertEquals(700, s.bytesSent(), "the tail batch; the stray block in the hole is punched, not sent");
            assertEquals(1, s.holes(), "one punch: where the target had data in a source hole");
        }
    }

    @Test
    void overlapsCutSourceHolesToTheTargetsData() {
        assertEquals(intervals(10, 5, HOLE, 18, 2, HOLE, 40, 10, HOLE, 60, 5, HOLE),
                SyncEngine.overlaps(intervals(0, 20, HOLE, 20, 20, DATA, 40, 30, HOLE),
                        intervals(10, 5, DATA, 18, 4, DATA, 30, 20, DATA, 60, 5, DATA, 80, 5, DATA)));
        assertEquals(intervals(18, 2, HOLE), SyncEngine.overlaps(intervals(0, 20, HOLE),
                intervals(18, 4, DATA)));
        assertEquals(List.of(), SyncEngine.overlaps(intervals(0, 20, DATA), intervals(0, 20, DATA)));
    }

    @Nested
    class Failures {
        @Test
        void interruptedSyncResumesSendingOnlyWhatIsMissing() throws IOException {
            // 10 batches of 2 MiB, one 1 MiB extent each.
            long[] ranges = new long[20];
            for (int i = 0; i < 10; i++) {
                ranges[2 * i] = 2L * i * M1;
                ranges[2 * i + 1] = M1;
            }
            SparseFiles.create(src, 20 * M1, 8, ranges);
            SyncOptions serial = new SyncOptions(SyncOptions.DEFAULT_BATCH, 1, true, true);
            CountingTarget broken = target(5);
            IOException e = assertThrows(IOException.class, () -> sync(broken, serial));
            assertTrue(e.getMessage().contains("connection lost"), e.getMessage());
            assertEquals(4L * M1, broken.bytesWritten.get());
            assertFalse(broken.committed);
            assertTrue(SyncRecord.read(dst).isEmpty(), "a failed sync records no digest");

            CountingTarget t = target(0);
            SyncSummary s = sync(t, serial);
            assertEquals(6L * M1, s.bytesSent(), "the 4 batches already written are skipped");
            assertEquals(4, s.batchesSkipped());
            assertEquals(sha256(src), sha256(dst));
            assertEquals(layout(src), layout(dst));
        }

        @Test
        void verificationFailureRecordsNothing() throws IOException {
            standardSource();
            CountingTarget t = target(0);
            t.corrupt = true;
            SyncOptions fast = new SyncOptions(SyncOptions.DEFAULT_BATCH, 2, true, true);
            assertThrows(VerificationException.class, () -> sync(t, fast));
            assertTrue(SyncRecord.read(dst).isEmpty());
            assertTrue(SyncRecord.read(src).isEmpty());
            SyncSummary repaired = sync(target(0), fast);
            assertEquals(3, repaired.batchesSent(), "every corrupted batch is found by its checksum and resent");
            assertEquals(sha256(src), sha256(dst));
        }
    }

    @Nested
    class FastPath {
        @Test
        void verifiedSyncIsSkippedNextTimeUntilTheSourceChanges() throws IOException {
            standardSource();
            SyncOptions fast = new SyncOptions(SyncOptions.DEFAULT_BATCH, 2, true, true);
            assertFalse(sync(target(0), fast).fastSkipped());
            assertTrue(SyncRecord.read(dst).isPresent());
            assertEquals(SyncRecord.read(src), SyncRecord.read(dst));
            CountingTarget t = target(0);
            SyncSummary skipped = sync(t, fast);
            assertTrue(skipped.fastSkipped());
            assertEquals(0, t.checksums.get());
            SparseFiles.overwrite(src, 0, K4, 77);
            SyncSummary changed = sync(target(0), fast);
            assertFalse(changed.fastSkipped());
            assertEquals(M1, changed.bytesSent(), "batch 0's data extent is resent whole");
            assertEquals(sha256(src), sha256(dst));
        }

        @Test
        void unverifiedSyncRecordsNothing() throws IOException {
            standardSource();
            sync(target(0), new SyncOptions(SyncOptions.DEFAULT_BATCH, 2, false, true));
            assertTrue(SyncRecord.read(dst).isEmpty());
        }
    }
}
