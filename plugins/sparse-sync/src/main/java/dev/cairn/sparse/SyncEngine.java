package dev.cairn.sparse;

import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.Interval;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The sync client's algorithm, the same for a local and a remote target. The source's layout is cut into batches on
 * a fixed grid. Holes are sent as holes (only when the target existed: a new target is all hole already). Each batch
 * holding data is read once; its SHA-256 is compared with the target's when the target existed (so a rerun after an
 * interruption, or a re-sync after a small change, sends only the batches that differ) and its data ranges are sent
 * otherwise. The batch digests also make the whole-file digest that the target checks before recording anything.
 */
final class SyncEngine {
    private final SyncOptions options;
    private final Consumer<String> warnings;

    SyncEngine(SyncOptions options, Consumer<String> warnings) {
        this.options = Objects.requireNonNull(options, "options is null");
        this.warnings = Objects.requireNonNull(warnings, "warnings is null");
    }

    /** A batch of the grid that holds data: its range and the data ranges inside it. */
    private record Batch(int index, long offset, int length, List<Interval> data) {
    }

    /**
     * @param source the file to send
     * @param sourcePath where the source lives, for the fast path's record (null when there is none)
     * @param target where to send it; closed (without recording) when the sync fails
     * @param progress counters, reported by the caller
     * @return what was done
     * @throws IOException on the first failure of any worker, after the others stopped
     */
    SyncSummary run(FileIoProcessor source, Path sourcePath, SyncTarget target, Progress progress) throws IOException {
        long size = source.size();
        List<Interval> layout = source.dataLayout();
        long dataBytes = layout.stream().filter(i -> i.kind() == Interval.Kind.DATA).mapToLong(Interval::length).sum();
        long started = progress.elapsedMillis();
        if (options.fast() && sourcePath != null) {
            Optional<String> mine = SyncRecord.read(sourcePath);
            if (mine.isPresent() && mine.equals(target.recorded())) {
                progress.scanned(size);
                return new SyncSummary(size, dataBytes, 0, 0, 0, 0, 0, true, true, true,
                        progress.elapsedMillis() - started);
            }
        }
        int batch = options.batchSize();
        List<Batch> batches = batches(layout, size, batch);
        byte[][] digests = new byte[(int) ((size + batch - 1) / batch)][];
        AtomicLong sentBatches = new AtomicLong();
        AtomicLong skipped = new AtomicLong();
        AtomicLong checksums = new AtomicLong();
        AtomicLong holes = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        boolean existed;
        try {
            existed = target.open(size);
            // Holes first, so a batch's checksum is compared with its holes already punched on the target.
            // Only where the target holds data inside a source hole: one layout request replaces a punch per hole.
            List<Job> holeJobs = new ArrayList<>();
            List<Job> jobs = new ArrayList<>();
            List<Interval> targetData = existed ? target.layout().stream()
                    .filter(i -> i.kind() == Interval.Kind.DATA).toList() : List.of();
            for (Interval punch : overlaps(layout, targetData)) {
                holeJobs.add(() -> {
                    target.punchHole(punch.offset(), punch.length());
                    holes.incrementAndGet();
                });
            }
            for (Interval i : layout) {
                if (i.kind() == Interval.Kind.HOLE) {
                    progress.scanned(i.length());
                }
            }
            for (Batch b : batches) {
                jobs.add(() -> {
                    // Only the data ranges are read: the holes between them read as zeros anyway. (A range the
                    // file system reported unaligned for direct I/O makes the whole batch be read instead.)
                    byte[] bytes = batchBuffer(b.length());
                    long pos = b.offset();
                    boolean aligned = b.data().stream().allMatch(d -> d.offset() % source.alignment() == 0);
                    List<Interval> reads = aligned ? b.data()
                            : List.of(new Interval(b.offset(), b.length(), Interval.Kind.DATA));
                    for (Interval d : reads) {
                        java.util.Arrays.fill(bytes, (int) (pos - b.offset()), (int) (d.offset() - b.offset()), (byte) 0);
                        readInto(source, d, bytes, (int) (d.offset() - b.offset()));
                        pos = d.end();
                    }
                    java.util.Arrays.fill(bytes, (int) (pos - b.offset()), b.length(), (byte) 0);
                    MessageDigest md = ContentDigest.sha256();
                    md.update(bytes, 0, b.length());
                    byte[] local = md.digest();
                    digests[b.index()] = local;
                    long dataInBatch = b.data().stream().mapToLong(Interval::length).sum();
                    if (existed) {
                        checksums.incrementAndGet();
                        if (MessageDigest.isEqual(local, target.checksum(b.offset(), b.length()))) {
                            skipped.incrementAndGet();
                            progress.scanned(dataInBatch);
                            return;
                        }
                    }
                    target.writeBatch(b.offset(), b.length(), b.data(), bytes);
                    progress.sent(dataInBatch);
                    sent.addAndGet(dataInBatch);
                    sentBatches.incrementAndGet();
                    progress.scanned(dataInBatch);
                });
            }
            runAll(holeJobs);
            runAll(jobs);
            byte[] whole = null;
            if (options.verify()) {
                MessageDigest md = ContentDigest.sha256();
                md.update(ByteBuffer.allocate(Long.BYTES).putLong(0, size));
                for (int k = 0; k < digests.length; k++) {
                    md.update(digests[k] != null ? digests[k]
                            : ContentDigest.zeros((int) Math.min(batch, size - (long) k * batch)));
                }
                whole = md.digest();
            }
            target.commit(whole, batch);
            if (whole != null && options.fast() && sourcePath != null) {
                try {
                    SyncRecord.write(sourcePath, ContentDigest.hex(whole));
                } catch (IOException e) {
                    warnings.accept("could not record the sync digest on " + sourcePath + " (the fast path will not "
                            + "apply next time): " + e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            try {
                target.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return new SyncSummary(size, dataBytes, sent.get(), sentBatches.get(), skipped.get(), checksums.get(),
                holes.get(), existed, options.verify(), false, progress.elapsedMillis() - started);
    }

    /** Reads a data range into {@code bytes} at {@code at}, in chunks of at most 1 MiB. */
    private static void readInto(FileIoProcessor io, Interval d, byte[] bytes, int at) throws IOException {
        long done = 0;
        while (done < d.length()) {
            int n = (int) Math.min(1 << 20, d.length() - done);
            RangeIo.read(io, d.offset() + done, n).get(bytes, at + (int) done, n);
            done += n;
        }
    }

    private static final ThreadLocal<byte[]> BATCH_BUFFERS = new ThreadLocal<>();

    /** @return this worker's batch buffer (a target's writes are done when they return, so it is reused) */
    private static byte[] batchBuffer(int size) {
        byte[] b = BATCH_BUFFERS.get();
        if (b == null || b.length < size) {
            b = new byte[size];
            BATCH_BUFFERS.set(b);
        }
        return b;
    }

    /** @return the parts of the source's holes where the target has data, in order */
    static List<Interval> overlaps(List<Interval> source, List<Interval> targetData) {
        List<Interval> out = new ArrayList<>();
        int t = 0;
        for (Interval hole : source) {
            if (hole.kind() != Interval.Kind.HOLE) {
                continue;
            }
            while (t < targetData.size() && targetData.get(t).end() <= hole.offset()) {
                t++;
            }
            for (int k = t; k < targetData.size() && targetData.get(k).offset() < hole.end(); k++) {
                long from = Math.max(hole.offset(), targetData.get(k).offset());
                long to = Math.min(hole.end(), targetData.get(k).end());
                if (to > from) {
                    out.add(new Interval(from, to - from, Interval.Kind.HOLE));
                }
            }
        }
        return out;
    }

    private static List<Batch> batches(List<Interval> layout, long size, int batch) {
        List<Batch> out = new ArrayList<>();
        List<Interval> current = new ArrayList<>();
        long currentIndex = -1;
        for (Interval i : layout) {
            if (i.kind() != Interval.Kind.DATA) {
                continue;
            }
            long pos = i.offset();
            while (pos < i.end()) {
                long index = pos / batch;
                long batchEnd = Math.min((index + 1) * batch, size);
                long end = Math.min(i.end(), batchEnd);
                if (index != currentIndex) {
                    if (!current.isEmpty()) {
                        out.add(batch(currentIndex, batch, size, current));
                    }
                    current = new ArrayList<>();
                    currentIndex = index;
                }
                current.add(new Interval(pos, end - pos, Interval.Kind.DATA));
                pos = end;
            }
        }
        if (!current.isEmpty()) {
            out.add(batch(currentIndex, batch, size, current));
        }
        return out;
    }

    private static Batch batch(long index, int batch, long size, List<Interval> data) {
        long offset = index * batch;
        return new Batch((int) index, offset, (int) Math.min(batch, size - offset), List.copyOf(data));
    }

    private interface Job {
        void run() throws IOException;
    }

    private void runAll(List<Job> jobs) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(options.workers(), r -> {
            Thread t = new Thread(r, "cairn-sync-worker");
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean failed = new AtomicBoolean();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Job job : jobs) {
                futures.add(pool.submit(() -> {
                    if (failed.get()) {
                        return null;
                    }
                    try {
                        job.run();
                    } catch (IOException | RuntimeException e) {
                        failed.set(true);
                        throw e;
                    }
                    return null;
                }));
            }
            IOException first = null;
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (first == null) {
                        first = cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
                    } else if (first != cause) {
                        first.addSuppressed(cause);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("sync interrupted");
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
