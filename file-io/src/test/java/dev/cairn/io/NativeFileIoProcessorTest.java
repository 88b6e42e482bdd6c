package dev.cairn.io;

import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.io.Interval;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

import static dev.cairn.spi.io.Interval.Kind.DATA;
import static dev.cairn.spi.io.Interval.Kind.HOLE;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NativeFileIoProcessorTest {
    private static final Set<StandardOpenOption> RW = Set.of(READ, WRITE, CREATE);
    private static final FileIoProcessorFactory BUFFERED = new BufferedFileIoFactory();
    private static final FileIoProcessorFactory DIRECT = new DirectFileIoFactory();

    private Path dir;

    @BeforeEach
    void createDir() throws IOException {
        // Under target/ on the disk: tmpfs (the usual /tmp of CI containers) refuses O_DIRECT.
        Path base = Path.of("target", "io-tests").toAbsolutePath();
        Files.createDirectories(base);
        dir = Files.createTempDirectory(base, "t");
    }

    @AfterEach
    void deleteDir() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private FileIoProcessor openDirect(Path file) throws IOException {
        try {
            return DIRECT.open(file, RW);
        } catch (FileSystemException e) {
            assumeTrue(!String.valueOf(e.getReason()).contains("O_DIRECT"),
                    "the file system under target/ refuses O_DIRECT: " + e.getMessage());
            throw e;
        }
    }

    private FileIoProcessor open(String mode, Path file) throws IOException {
        return mode.equals("direct") ? openDirect(file) : BUFFERED.open(file, RW);
    }

    private static byte[] pattern(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ByteBuffer filled(FileIoProcessor io, byte[] bytes) {
        ByteBuffer b = io.allocate(bytes.length);
        b.put(bytes).flip();
        return b;
    }

    private static byte[] readAll(FileIoProcessor io, long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(length);
        io.readAt(b, offset);
        b.flip();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void serviceLoaderFindsBothModes() {
        List<String> names = new ArrayList<>();
        ServiceLoader.load(FileIoProcessorFactory.class).forEach(f -> names.add(f.name()));
        names.sort(null);
        assertEquals(List.of("buffered", "direct"), names);
    }

    @Nested
    class Sizes {
        @ParameterizedTest
        @ValueSource(strings = {"buffered", "direct"})
        void emptyFileHasNoIntervals(String mode) throws IOException {
            Path f = dir.resolve("empty");
            try (FileIoProcessor io = open(mode, f)) {
                assertEquals(mode, io.mode());
                assertEquals(0, io.size());
                assertEquals(List.of(), io.dataLayout());
                assertEquals(-1, io.readAt(io.allocate(4096), 0));
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 4096, 7680, 8192, 8704})
        void bufferedWritesAnySize(int size) throws IOException {
            Path f = dir.resolve("b" + size);
            byte[] data = pattern(size, size);
            try (FileIoProcessor io = BUFFERED.open(f, RW)) {
                assertEquals(1, io.alignment());
                assertEquals(size, io.writeAt(filled(io, data), 0));
                io.sync();
                assertEquals(size, io.size());
                assertArrayEquals(data, readAll(io, 0, size + 100));
                assertEquals(size == 0 ? List.of() : List.of(new Interval(0, size, DATA)), io.dataLayout());
            }
            assertEquals(size, Files.size(f));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 4096, 7680, 8192, 8704})
        void directWritesOnlyAlignedSizes(int size) throws IOException {
            Path f = dir.resolve("d" + size);
            byte[] data = pattern(size, size);
            try (FileIoProcessor io = openDirect(f)) {
                assertEquals(4096, io.alignment());
                ByteBuffer src = filled(io, data);
                if (size % 4096 != 0) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> io.writeAt(src, 0));
                    assertTrue(e.getMessage().contains("offset 0") && e.getMessage().contains("length " + size)
                            && e.getMessage().contains("4096"), e.getMessage());
                    assertEquals(0, io.size(), "nothing written after the refused write");
                    assertEquals(0, src.position(), "the buffer was not consumed");
                    return;
                }
                assertEquals(size, io.writeAt(src, 0));
                io.sync();
                assertEquals(size, io.size());
                ByteBuffer back = io.allocate(size + 4096);
                assertEquals(size == 0 ? -1 : size, io.readAt(back, 0));
                back.flip();
                byte[] got = new byte[back.remaining()];
                back.get(got);
                assertArrayEquals(data, got);
                assertEquals(size == 0 ? List.of() : List.of(new Interval(0, size, DATA)), io.dataLayout());
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {7680, 8704})
        void directReadsAnUnalignedFileShortAtTheEnd(int size) throws IOException {
            Path f = dir.resolve("u" + size);
            byte[] data = pattern(size, 7);
            try (FileIoProcessor io = BUFFERED.open(f, RW)) {
                io.writeAt(ByteBuffer.wrap(data), 0);
                io.sync();
            }
            try (FileIoProcessor io = openDirect(f)) {
                ByteBuffer back = io.allocate(3 * 4096);
                assertEquals(size, io.readAt(back, 0));
                back.flip();
                byte[] got = new byte[size];
                back.get(got);
                assertArrayEquals(data, got);
            }
        }
    }

    @Nested
    class Alignment {
        @Test
        void unalignedOffsetIsRefusedNamingOffsetLengthAndAlignment() throws IOException {
            try (FileIoProcessor io = openDirect(dir.resolve("a"))) {
                ByteBuffer b = io.allocate(4096);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> io.writeAt(b, 512));
                assertEquals("direct I/O write at offset 512 with length 4096 is not aligned to 4096 bytes; offset, "
                        + "length and buffer must be multiples of the alignment 4096", e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> io.readAt(b, 100));
                assertEquals(0, io.size());
            }
        }

        @Test
        void unalignedBufferAndHeapBufferAreRefused() throws IOException {
            try (FileIoProcessor io = openDirect(dir.resolve("a"))) {
                ByteBuffer big = io.allocate(3 * 4096);
                ByteBuffer shifted = big.slice(512, 4096);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> io.writeAt(shifted, 0));
                assertTrue(e.getMessage().contains("buffer address is unaligned"), e.getMessage());
                IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                        () -> io.writeAt(ByteBuffer.allocate(4096), 0));
                assertTrue(heap.getMessage().contains("heap buffer"), heap.getMessage());
                assertEquals(0, io.size());
            }
        }

        @Test
        void allocateAlignsEverySize() throws IOException {
            try (FileIoProcessor io = openDirect(dir.resolve("a"))) {
                for (int size : new int[] {1, 4095, 4096, 1 << 20}) {
                    ByteBuffer b = io.allocate(size);
                    assertEquals(size, b.capacity());
                    assertTrue(b.isDirect());
                    long address = com.sun.jna.Pointer.nativeValue(com.sun.jna.Native.getDirectBufferPointer(b));
                    assertEquals(0, address % 4096, "address of a " + size + "-byte buffer");
                }
            }
        }
    }

    @Nested
    class Layout {
        @ParameterizedTest
        @ValueSource(strings = {"buffered", "direct"})
        void dataAndHolesAreReportedExactly(String mode) throws IOException {
            Path f = dir.resolve("layout");
            try (FileIoProcessor io = open(mode, f)) {
                io.truncate(1 << 20);
                assertEquals(List.of(new Interval(0, 1 << 20, HOLE)), io.dataLayout());
                io.writeAt(filled(io, pattern(8192, 1)), 0);
                io.writeAt(filled(io, pattern(4096, 2)), 512 * 1024);
                io.sync();
                assertEquals(List.of(new Interval(0, 8192, DATA), new Interval(8192, 512 * 1024 - 8192, HOLE),
                        new Interval(512 * 1024, 4096, DATA), new Interval(516 * 1024, 508 * 1024, HOLE)),
                        io.dataLayout());
                assertEquals(io.dataLayout(), ((NativeFileIoProcessor) io).dataLayout(LayoutMethod.FIEMAP));
            }
        }

        @ParameterizedTest
        @ValueSource(strings = {"buffered", "direct"})
        void punchHoleKeepsSizeAndReadsZeros(String mode) throws IOException {
            Path f = dir.resolve("punch");
            try (FileIoProcessor io = open(mode, f)) {
                io.writeAt(filled(io, pattern(16384, 3)), 0);
                io.sync();
                io.punchHole(4096, 8192);
                assertEquals(16384, io.size());
                assertEquals(List.of(new Interval(0, 4096, DATA), new Interval(4096, 8192, HOLE),
                        new Interval(12288, 4096, DATA)), io.dataLayout());
                ByteBuffer b = io.allocate(8192);
                assertEquals(8192, io.readAt(b, 4096));
                b.flip();
                while (b.hasRemaining()) {
                    assertEquals(0, b.get());
                }
            }
        }

        @Test
        void dataEndingInsideTheLastBlockEndsAtTheSize() throws IOException {
            try (FileIoProcessor io = BUFFERED.open(dir.resolve("tail"), RW)) {
                io.truncate(3 * 4096 + 100);
                io.writeAt(ByteBuffer.wrap(pattern(50, 4)), 3 * 4096);
                io.sync();
                assertEquals(List.of(new Interval(0, 3 * 4096, HOLE), new Interval(3 * 4096, 100, DATA)), io.dataLayout());
            }
        }

        @Test
        void everyMethodAgreesOnAFragmentedFile() throws IOException {
            Path f = dir.resolve("fragmented");
            try (FileIoProcessor io = BUFFERED.open(f, RW)) {
                ByteBuffer block = io.allocate(4096);
                Random r = new Random(42);
                List<Interval> expected = new ArrayList<>();
                long pos = 0;
                for (int i = 0; i < 2000; i++) {
                    long hole = 4096L * (1 + r.nextInt(3));
                    int blocks = 1 + r.nextInt(2);
                    expected.add(new Interval(pos, hole, HOLE));
                    pos += hole;
                    for (int b = 0; b < blocks; b++) {
                        io.writeAt(block.clear(), pos + 4096L * b);
                    }
                    expected.add(new Interval(pos, 4096L * blocks, DATA));
                    pos += 4096L * blocks;
                }
                io.sync();
                NativeFileIoProcessor nio = (NativeFileIoProcessor) io;
                assertEquals(expected, nio.dataLayout(LayoutMethod.SEEK));
                assertEquals(expected, nio.dataLayout(LayoutMethod.FIEMAP));
                assertEquals(expected, nio.dataLayout(LayoutMethod.AUTO), "seek for 64 extents, then FIEMAP");
                assertEquals(expected, io.dataLayout());
            }
        }

        @Test
        void fallocatedButUnwrittenExtentsAreHolesInBothMethods() throws IOException {
            Path f = dir.resolve("prealloc");
            try (FileIoProcessor io = BUFFERED.open(f, RW)) {
                io.writeAt(ByteBuffer.wrap(pattern(4096, 5)), 0);
                io.sync();
            }
            try (var ch = java.nio.channels.FileChannel.open(f, WRITE)) {
                // No JDK fallocate: grow by writing past the end leaves a hole; unwritten extents come from fallocate(1).
                ch.truncate(4096);
            }
            ProcessBuilder pb = new ProcessBuilder("fallocate", "-o", "4096", "-l", "8192", f.toString());
            assumeTrue(runQuietly(pb), "fallocate(1) not available");
            try (FileIoProcessor io = BUFFERED.open(f, RW)) {
                List<Interval> expected = List.of(new Interval(0, 4096, DATA), new Interval(4096, 8192, HOLE));
                assertEquals(expected, io.dataLayout());
                assertEquals(expected, ((NativeFileIoProcessor) io).dataLayout(LayoutMethod.FIEMAP));
            }
        }

        private static boolean runQuietly(ProcessBuilder pb) {
            try {
                return pb.redirectErrorStream(true).start().waitFor() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    @Nested
    class Lifecycle {
        @Test
        void truncateShrinksAndGrowsAsAHole() throws IOException {
            try (FileIoProcessor io = BUFFERED.open(dir.resolve("t"), RW)) {
                io.writeAt(ByteBuffer.wrap(pattern(10000, 6)), 0);
                io.truncate(5000);
                assertEquals(5000, io.size());
                io.truncate(3 * 4096);
                io.sync();
                assertEquals(List.of(new Interval(0, 8192, DATA), new Interval(8192, 4096, HOLE)), io.dataLayout());
                assertArrayEquals(new byte[3 * 4096 - 5000], readAll(io, 5000, 3 * 4096 - 5000));
            }
        }

        @Test
        void heapBuffersLargerThanTheBounceBufferRoundTrip() throws IOException {
            byte[] data = pattern(3 * (1 << 20) + 17, 8);
            try (FileIoProcessor io = BUFFERED.open(dir.resolve("heap"), RW)) {
                ByteBuffer src = ByteBuffer.wrap(data);
                assertEquals(data.length, io.writeAt(src, 5));
                assertEquals(0, src.remaining());
                ByteBuffer dst = ByteBuffer.allocate(data.length);
                assertEquals(data.length, io.readAt(dst, 5));
                assertArrayEquals(data, dst.array());
            }
        }

        @Test
        void closedProcessorRefusesWork() throws IOException {
            FileIoProcessor io = BUFFERED.open(dir.resolve("c"), RW);
            io.close();
            io.close();
            assertThrows(ClosedChannelException.class, io::size);
            assertThrows(ClosedChannelException.class, () -> io.readAt(ByteBuffer.allocate(1), 0));
        }

        @Test
        void missingFileAndSymlinkWithNofollowFailClearly() throws IOException {
            assertThrows(NoSuchFileException.class, () -> BUFFERED.open(dir.resolve("missing"), Set.of(READ)));
            Path target = Files.writeString(dir.resolve("real"), "x");
            Path link = Files.createSymbolicLink(dir.resolve("link"), target);
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> BUFFERED.open(link, Set.of(READ, LinkOption.NOFOLLOW_LINKS)));
            assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        }

        @Test
        void createNewRefusesAnExistingFile() throws IOException {
            Path f = Files.writeString(dir.resolve("exists"), "x");
            assertThrows(java.nio.file.FileAlreadyExistsException.class,
                    () -> BUFFERED.open(f, Set.of(WRITE, StandardOpenOption.CREATE_NEW)));
            assertEquals("x", Files.readString(f));
        }
    }
}
