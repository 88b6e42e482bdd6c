package dev.cairn.sparse;

import dev.cairn.io.BufferedFileIoFactory;
import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.io.Interval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/** Builds real sparse files and reads their layout back with SEEK_DATA/SEEK_HOLE. */
final class SparseFiles {
    static final FileIoProcessorFactory IO = new BufferedFileIoFactory();
    static final int K4 = 4096;
    static final int M1 = 1 << 20;

    private SparseFiles() {
    }

    /** A directory under target/ (on the disk, where holes and O_DIRECT work). */
    static Path tempDir() throws IOException {
        Path base = Path.of("target", "sparse-tests").toAbsolutePath();
        Files.createDirectories(base);
        return Files.createTempDirectory(base, "t");
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * @param ranges pairs of offset and length of data, written with random bytes from the seed
     */
    static Path create(Path file, long size, long seed, long... ranges) throws IOException {
        try (FileIoProcessor io = IO.open(file, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            io.truncate(size);
            Random r = new Random(seed);
            for (int i = 0; i < ranges.length; i += 2) {
                write(io, ranges[i], (int) ranges[i + 1], r);
            }
            io.sync();
        }
        return file;
    }

    static void overwrite(Path file, long offset, int length, long seed) throws IOException {
        try (FileIoProcessor io = IO.open(file, Set.of(StandardOpenOption.WRITE))) {
            write(io, offset, length, new Random(seed));
            io.sync();
        }
    }

    static void punch(Path file, long offset, long length) throws IOException {
        try (FileIoProcessor io = IO.open(file, Set.of(StandardOpenOption.WRITE))) {
            io.punchHole(offset, length);
        }
    }

    private static void write(FileIoProcessor io, long offset, int length, Random r) throws IOException {
        byte[] b = new byte[length];
        r.nextBytes(b);
        io.writeAt(ByteBuffer.wrap(b), offset);
    }

    /** @return the layout by SEEK_DATA/SEEK_HOLE */
    static List<Interval> layout(Path file) throws IOException {
        try (FileIoProcessor io = IO.open(file, Set.of(StandardOpenOption.READ))) {
            return io.dataLayout();
        }
    }

    static List<Interval> intervals(Object... spec) {
        List<Interval> out = new ArrayList<>();
        for (int i = 0; i < spec.length; i += 3) {
            out.add(new Interval(((Number) spec[i]).longValue(), ((Number) spec[i + 1]).longValue(),
                    (Interval.Kind) spec[i + 2]));
        }
        return out;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = ContentDigest.sha256();
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[M1];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static long dataBytes(Path file) throws IOException {
        return layout(file).stream().filter(i -> i.kind() == Interval.Kind.DATA).mapToLong(Interval::length).sum();
    }
}
