package dev.cairn.pool.block;

import dev.cairn.alloc.bitmap.BitmapSectorAllocatorFactory;
import dev.cairn.spi.alloc.AllocatorStats;
import dev.cairn.spi.alloc.NoFreeSectorsException;
import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.pool.RegionType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exact sector numbers and device offsets of {@link BlockPoolFile}, with 16-byte sectors on a 64-sector backing
 * file (a real regular file, read back directly to check where the bytes went).
 */
class BlockPoolFileTest {
    private static final int SS = 16;
    private static final int SECTORS = 64;

    @TempDir
    Path dir;
    Path backing;
    ChannelFileIo io;
    SectorAllocator allocator;
    BlockFilePool pool;

    @BeforeEach
    void setUp() throws IOException {
        open(new ChannelFileIo(), SECTORS);
    }

    void open(ChannelFileIo fileIo, int sectors) throws IOException {
        if (pool != null) {
            pool.close();
        }
        backing = dir.resolve("pool-" + sectors + "-" + fileIo.name() + ".img");
        io = fileIo;
        var processor = io.open(backing, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE));
        processor.truncate((long) sectors * SS);
        allocator = new BitmapSectorAllocatorFactory().create(sectors);
        pool = new BlockFilePool(backing.toString(), "bitmap", allocator, new SectorDevice(processor), SS);
    }

    @AfterEach
    void tearDown() throws IOException {
        pool.close();
    }

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    static String read(PoolFile file, long offset, int length) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(length);
        int n = file.readAt(dst, offset);
        return n < 0 ? "EOF" : new String(dst.array(), 0, n, StandardCharsets.US_ASCII).replace('\0', '.');
    }

    /** Bytes of the backing file, zeros shown as dots. */
    String device(long offset, int length) throws IOException {
        byte[] all = Files.readAllBytes(backing);
        return new String(all, (int) offset, length, StandardCharsets.US_ASCII).replace('\0', '.');
    }

    static int[] sectors(PoolFile file) {
        return ((BlockPoolFile) file).sectors();
    }

    long used() {
        return allocator.stats().usedSectors();
    }

    @Nested
    class Reads {
        @Test
        void anEmptyFileIsAtEndEverywhere() throws IOException {
            PoolFile f = pool.newFile();
            assertEquals(0, f.size());
            assertEquals("EOF", read(f, 0, 10));
            assertEquals("EOF", read(f, 100, 10));
            assertThrows(EOFException.class, () -> f.nextRegionOffset(0, RegionType.DATA));
            assertThrows(EOFException.class, () -> f.nextRegionOffset(0, RegionType.HOLE));
            assertArrayEquals(new int[0], sectors(f));
        }

        @Test
        void readsStopAtTheSize() throws IOException {
            PoolFile f = pool.newFile();
            f.writeAt(bytes("abcdefghij"), 0);
            assertEquals("abcdefghij", read(f, 0, 100));
            assertEquals("hij", read(f, 7, 100));
            assertEquals("EOF", read(f, 10, 100));
            assertThrows(IllegalArgumentException.class, () -> f.readAt(ByteBuffer.allocate(1), -1));
        }
    }

    @Nested
    class Writes {
        @Test
        void aWriteAcrossSectorBoundariesTakesWholeSectorsPaddedWithZeros() throws IOException {
            // Stale bytes on the device must never show through.
            Files.write(backing, "#".repeat(SECTORS * SS).getBytes(StandardCharsets.US_ASCII));
            PoolFile f = pool.newFile();
            f.writeAt(bytes("0123456789ABCDEFGHIJKLMNOPQRST"), 10);
            assertArrayEquals(new int[] {1, 2, 3}, sectors(f));
            assertEquals(40, f.size());
            assertEquals("..........0123456789ABCDEFGHIJKLMNOPQRST........", device(0, 48));
            assertEquals("#", device(48, 1));
            assertEquals("..........0123456789ABCDEFGHIJKLMNOPQRST", read(f, 0, 100));
        }

        @Test
        void fragmentedFreeSpaceGivesScatteredSectorsAndOneDeviceWritePerRun() throws IOException {
            for (int i = 0; i < SECTORS; i++) {
                allocator.allocateContiguous(1);
            }
            allocator.freeContiguous(3, 1);
            allocator.freeContiguous(5, 2);
            allocator.freeContiguous(9, 1);
            PoolFile f = pool.newFile();
            String data = "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd";
            io.writes.clear();
            f.writeAt(bytes(data), 0);
            assertArrayEquals(new int[] {3, 5, 6, 9}, sectors(f));
            assertEquals(java.util.List.of("32+16", "64+32", "128+16"), io.writes);
            assertEquals("aaaaaaaaaaaaaaaa", device(32, 16));
            assertEquals("bbbbbbbbbbbbbbbbcccccccccccccccc", device(64, 32));
            assertEquals("dddddddddddddddd", device(128, 16));
            assertEquals(data, read(f, 0, 64));
            assertEquals("bccc", read(f, 31, 4));
        }

        @Test
        void rewritesReuseSectorsInPlace() throws IOException {
            PoolFile f = pool.newFile();
            f.writeAt(bytes("aaaaaaaaaaaaaaaabbbb"), 0);
            assertArrayEquals(new int[] {1, 2}, sectors(f));
            f.writeAt(bytes("XYZ"), 14);
            assertArrayEquals(new int[] {1, 2}, sectors(f));
            assertEquals(2, used());
            assertEquals("aaaaaaaaaaaaaaXYZbbb", read(f, 0, 100));
            assertEquals("aaaaaaaaaaaaaaXYZbbb", device(0, 20));
        }

        @Test
        void writingIntoAHoleAllocatesOnlyThatSector() throws IOException {
            PoolFile f = pool.newFile();
            f.writeAt(bytes("tail"), 100);
            assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 1}, sectors(f));
            assertEquals(104, f.size());
            assertEquals(1, used());
            assertEquals(".".repeat(100) + "tail", read(f, 0, 200));
            assertEquals("....tail", device(0, 8));
            f.writeAt(bytes("mid"), 40);
            assertArrayEquals(new int[] {0, 0, 2, 0, 0, 0, 1}, sectors(f));
            assertEquals("........mid", device(SS, 11));
            assertEquals("mid.....", read(f, 40, 8));
        }

        @Test
        void twoFilesInterleaveTheirSectors() throws IOException {
            PoolFile a = pool.newFile();
            PoolFile b = pool.newFile();
            a.writeAt(bytes("A".repeat(16)), 0);
            b.writeAt(bytes("B".repeat(16)), 0);
            a.writeAt(bytes("a".repeat(16)), 16);
            assertArrayEquals(new int[] {1, 3}, sectors(a));
            assertArrayEquals(new int[] {2}, sectors(b));
            assertEquals("A".repeat(16) + "a".repeat(16), read(a, 0, 32));
            assertEquals("A".repeat(16) + "B".repeat(16) + "a".repeat(16), device(0, 48));
        }

        @Test
        void anEmptyWriteChangesNothing() throws IOException {
            PoolFile f = pool.newFile();
            f.writeAt(ByteBuffer.allocate(0), 1000);
            assertEquals(0, f.size());
            assertEquals(0, used());
        }
    }

    @Nested
    class Failures {
        @Test
        void runningOutOfSectorsMidWriteLeaksNothing() throws IOException {
            open(new ChannelFileIo(), 4);
            PoolFile a = pool.newFile();
            a.writeAt(bytes("x".repeat(32)), 0);
            PoolFile b = pool.newFile();
            b.writeAt(bytes("y".repeat(16)), 0);
            assertThrows(NoFreeSectorsException.class, () -> b.writeAt(bytes("z".repeat(48)), 16));
            assertArrayEquals(new int[] {3}, sectors(b));
            assertEquals(16, b.size());
            assertEquals(new AllocatorStats(4, 1, 1), allocator.stats());
            assertEquals("y".repeat(16), read(b, 0, 100));
            // The free sector is still usable.
            b.writeAt(bytes("z"), 16);
            assertArrayEquals(new int[] {3, 4}, sectors(b));
        }

        @Test
        void anIoFailureMidWriteGivesBackTheNewSectors() throws IOException {
            PoolFile f = pool.newFile();
            f.writeAt(bytes("keep"), 0);
            for (int i = 0; i < 3; i++) {
                allocator.allocateContiguous(1); // sectors 2, 3, 4: the next run starts at 5
            }
            allocator.freeContiguous(3, 1);
            io.writesBeforeFailure.set(1);
            IOException e = assertThrows(IOException.class, () -> f.writeAt(bytes("w".repeat(40)), 4));
            assertTrue(e.getMessage().contains("injected"), e.getMessage());
            assertArrayEquals(new int[] {1}, sectors(f));
            assertEquals(4, f.size());
            assertEquals(3, used()); // sector 1 of the file and 2, 4 held directly
            io.writesBeforeFailure.set(-1);
            f.writeAt(bytes("w".repeat(40)), 4);
            // Next-fit: the failed write took 5 and 6 and gave them back; the cursor has moved past them.
            assertArrayEquals(new int[] {1, 7, 8}, sectors(f));
            assertEquals(5, used());
        }

        @Test
        void aWritePastTheBackingStoreSizeIsRefusedBeforeAnythingIsAllocated() throws IOException {
            PoolFile f = pool.newFile();
            f.writeAt(bytes("x"), SECTORS * SS - 1);
            IOException e = assertThrows(IOException.class, () -> f.writeAt(bytes("yz"), SECTORS * SS - 1));
            assertEquals("cannot write 2 bytes at offset 1023: files of this pool end at 1024 bytes (the size of its"
                    + " backing store)", e.getMessage());
            assertThrows(IOException.class, () -> f.writeAt(bytes("y"), Long.MAX_VALUE - 1));
            assertEquals(1, used());
            assertEquals(1024, f.size());
            // Growing by truncate is only a hole, so it is allowed.
            f.truncate(1L << 40);
            assertEquals(".", read(f, (1L << 40) - 1, 1));
            assertEquals("x...", read(f, 1023, 4));
            assertEquals(1L << 39, f.nextRegionOffset(1L << 39, RegionType.HOLE));
            assertThrows(EOFException.class, () -> f.nextRegionOffset(1L << 39, RegionType.DATA));
            assertEquals(1008, f.nextRegionOffset(0, RegionType.DATA));
            assertEquals(1024, f.nextRegionOffset(1008, RegionType.HOLE));
            f.truncate((1L << 39) + 5);
            f.truncate(1020);
            assertEquals(1, used());
            assertEquals("....", read(f, 1016, 100));
            f.truncate(1000);
            assertEquals(0, used());
        }

        @Test
        void aClosedFileRefusesEverything() throws IOException {
            PoolFile f = pool.newFile();
            f.writeAt(bytes("x"), 0);
            f.close();
            f.close();
            assertThrows(IOException.class, () -> f.writeAt(bytes("x"), 0));
            assertThrows(IOException.class, () -> f.readAt(ByteBuffer.allocate(1), 0));
            assertThrows(IOException.class, () -> f.truncate(0));
            assertThrows(IOException.class, () -> f.nextRegionOffset(0, RegionType.DATA));
        }

        @Test
        void aClosedPoolRefusesNewFiles() throws IOException {
            PoolFile f = pool.newFile();
            pool.close();
            assertThrows(IOException.class, pool::newFile);
            assertThrows(IOException.class, () -> f.writeAt(bytes("x"), 0));
        }
    }

    @Nested
    class Truncate {
        @Test
        void shrinkingFreesWholeSectorsAndZeroesThePartialTail() throws IOException {
            PoolFile f = pool.newFile();
            f.writeAt(bytes("a".repeat(40)), 0);
            assertArrayEquals(new int[] {1, 2, 3}, sectors(f));
            f.truncate(20);
            assertArrayEquals(new int[] {1, 2}, sectors(f));
            assertEquals(2, used());
            assertEquals("a".repeat(20) + "............", device(0, 32));
            f.truncate(40);
            assertEquals(40, f.size());
            assertArrayEquals(new int[] {1, 2}, sectors(f));
            assertEquals("a".repeat(20) + ".".repeat(20), read(f, 0, 100));
            f.truncate(16);
            assertArrayEquals(new int[] {1}, sectors(f));
            f.truncate(0);
            assertArrayEquals(new int[0], sectors(f));
            assertEquals(0, used());
            assertEquals("EOF", read(f, 0, 1));
        }

        @Test
        void shrinkingIntoAHoleTrimsTrailingHoles() throws IOException {
            PoolFile f = pool.newFile();
            f.writeAt(bytes("head"), 0);
            f.writeAt(bytes("tail"), 60);
            assertArrayEquals(new int[] {1, 0, 0, 2}, sectors(f));
            f.truncate(40);
            assertArrayEquals(new int[] {1}, sectors(f));
            assertEquals(1, used());
            assertEquals(40, f.size());
        }

        @Test
        void growingAddsAHoleWithoutSectors() throws IOException {
            PoolFile f = pool.newFile();
            f.truncate(100);
            assertEquals(100, f.size());
            assertEquals(0, used());
            assertEquals(".".repeat(100), read(f, 0, 200));
            assertEquals(0, f.nextRegionOffset(0, RegionType.HOLE));
            assertThrows(EOFException.class, () -> f.nextRegionOffset(0, RegionType.DATA));
            assertThrows(IllegalArgumentException.class, () -> f.truncate(-1));
        }
    }

    @Nested
    class Regions {
        @Test
        void dataAndHoleOffsetsLikeSeekDataAndSeekHole() throws IOException {
            PoolFile f = pool.newFile();
            f.writeAt(bytes("x"), 20);   // sector index 1
            f.writeAt(bytes("y"), 100);  // sector index 6, size 101
            assertArrayEquals(new int[] {0, 1, 0, 0, 0, 0, 2}, sectors(f));
            long[][] table = {
                // offset, DATA, HOLE (-1 = EOFException)
                {0, 16, 0},
                {15, 16, 15},
                {16, 16, 32},
                {31, 31, 32},
                {32, 96, 32},
                {95, 96, 95},
                {96, 96, 101},
                {100, 100, 101},
                {101, -1, -1},
                {500, -1, -1},
            };
            for (long[] row : table) {
                assertEquals(row[1], region(f, row[0], RegionType.DATA), "DATA from " + row[0]);
                assertEquals(row[2], region(f, row[0], RegionType.HOLE), "HOLE from " + row[0]);
            }
        }

        @Test
        void noDataAfterTheLastSectorIsEof() throws IOException {
            PoolFile f = pool.newFile();
            f.writeAt(bytes("x"), 0);
            f.truncate(100);
            assertEquals(0, f.nextRegionOffset(0, RegionType.DATA));
            assertEquals(16, f.nextRegionOffset(0, RegionType.HOLE));
            assertThrows(EOFException.class, () -> f.nextRegionOffset(16, RegionType.DATA));
            assertEquals(50, f.nextRegionOffset(50, RegionType.HOLE));
        }

        private long region(PoolFile f, long offset, RegionType type) throws IOException {
            try {
                return f.nextRegionOffset(offset, type);
            } catch (EOFException e) {
                return -1;
            }
        }
    }

    @Nested
    class Lifecycle {
        @Test
        void closeFreesEverySector() throws IOException {
            PoolFile a = pool.newFile();
            PoolFile b = pool.newFile();
            a.writeAt(bytes("a".repeat(50)), 0);
            b.writeAt(bytes("b"), 300);
            assertEquals(5, used());
            assertEquals(2, pool.status().get("openFiles"));
            a.close();
            assertEquals(1, used());
            b.close();
            assertEquals(new AllocatorStats(SECTORS, SECTORS, SECTORS), allocator.stats());
            assertEquals(0, pool.status().get("openFiles"));
        }

        @Test
        void statusAndMetricsReportSectorUse() throws IOException {
            PoolFile a = pool.newFile();
            PoolFile b = pool.newFile();
            a.writeAt(bytes("a".repeat(16)), 0);
            b.writeAt(bytes("b".repeat(16)), 0);
            a.close();
            var status = pool.status();
            assertEquals(64L, status.get("sectors"));
            assertEquals(1L, status.get("sectorsUsed"));
            assertEquals(63L, status.get("sectorsFree"));
            assertEquals(62L, status.get("largestFreeRun"));
            assertEquals(1.0 - 62.0 / 63.0, (double) status.get("fragmentation"), 1e-12);
            assertEquals("bitmap", status.get("allocator"));
            var metrics = new java.util.TreeMap<String, Double>();
            pool.metrics().forEach(m -> metrics.put(m.name(), m.value()));
            assertEquals(1.0, metrics.get("cairn_pool_sectors_used"));
            assertEquals(63.0, metrics.get("cairn_pool_sectors_free"));
            assertEquals(62.0, metrics.get("cairn_pool_largest_free_run_sectors"));
            assertEquals(1.0, metrics.get("cairn_pool_open_files"));
            assertTrue(metrics.containsKey("cairn_pool_fragmentation_ratio"));
        }
    }

    @Nested
    class AlignedIo {
        @BeforeEach
        void aligned() throws IOException {
            open(new ChannelFileIo(SS), SECTORS);
        }

        @Test
        void unalignedFileWritesBecomeWholeBlockDeviceWrites() throws IOException {
            PoolFile f = pool.newFile();
            f.writeAt(bytes("hello"), 5);
            f.writeAt(bytes("world"), 14);
            assertEquals(".....hello....world", read(f, 0, 100));
            assertEquals(".....hello....world.............", device(0, 32));
            for (String w : io.writes) {
                String[] parts = w.split("\\+");
                assertEquals(0, Long.parseLong(parts[0]) % SS, w);
                assertEquals(0, Long.parseLong(parts[1]) % SS, w);
            }
            f.truncate(7);
            assertEquals(".....he.........", device(0, 16));
            assertArrayEquals(new int[] {1}, sectors(f));
        }

        @Test
        void aSectorSizeThatIsNotAMultipleOfTheAlignmentIsRefused() throws IOException {
            var processor = new ChannelFileIo(4096).open(dir.resolve("x"), Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.READ));
            try {
                assertThrows(IllegalArgumentException.class, () -> new BlockFilePool("x", "bitmap",
                        new BitmapSectorAllocatorFactory().create(4), new SectorDevice(processor), 512));
            } finally {
                processor.close();
            }
        }
    }

    @Test
    void largeWriteRoundTripsThroughContiguousSectors() throws IOException {
        open(new ChannelFileIo(), 1024);
        PoolFile f = pool.newFile();
        byte[] data = new byte[SS * 1000 + 7];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        io.writes.clear();
        f.writeAt(ByteBuffer.wrap(data), 3);
        assertEquals(1001, sectors(f).length);
        assertEquals(1001, used());
        ByteBuffer back = ByteBuffer.allocate(data.length);
        assertEquals(data.length, f.readAt(back, 3));
        assertArrayEquals(data, back.array());
        byte[] raw = Files.readAllBytes(backing);
        assertArrayEquals(data, Arrays.copyOfRange(raw, 3, 3 + data.length));
    }
}
