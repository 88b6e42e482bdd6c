package dev.cairn.pool.block;

import dev.cairn.alloc.bitmap.BitmapSectorAllocatorFactory;
import dev.cairn.spi.alloc.NoFreeSectorsException;
import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.pool.RegionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Three files of one pool take random writes, truncates and reads, checked after every step against a model (a
 * byte array and the set of written sectors per file): contents, sizes, sector lists, allocator use and
 * {@code nextRegionOffset} must all agree. Runs in buffered and aligned (direct-like) I/O.
 */
class BlockPoolFileModelTest {
    private static final int SS = 16;
    private static final int SECTORS = 96;
    private static final int MAX = 1024;

    @TempDir
    Path dir;

    static final class Model {
        final byte[] bytes = new byte[1 << 16];
        final boolean[] present = new boolean[(1 << 16) / SS];
        long size;

        int sectorCount() {
            int n = 0;
            for (boolean p : present) {
                n += p ? 1 : 0;
            }
            return n;
        }
    }

    @Test
    void buffered() throws IOException {
        run(new ChannelFileIo(), 1);
    }

    @Test
    void aligned() throws IOException {
        run(new ChannelFileIo(SS), 2);
    }

    private void run(ChannelFileIo io, long seed) throws IOException {
        var processor = io.open(dir.resolve("pool-" + seed), Set.of(StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.CREATE));
        processor.truncate((long) SECTORS * SS);
        SectorAllocator allocator = new BitmapSectorAllocatorFactory().create(SECTORS);
        try (BlockFilePool pool = new BlockFilePool("model", "bitmap", allocator, new SectorDevice(processor), SS)) {
            PoolFile[] files = {pool.newFile(), pool.newFile(), pool.newFile()};
            Model[] models = {new Model(), new Model(), new Model()};
            SplittableRandom random = new SplittableRandom(seed);
            for (int step = 0; step < 2_000; step++) {
                int which = random.nextInt(files.length);
                PoolFile f = files[which];
                Model m = models[which];
                String where = "step " + step + " file " + which;
                switch (random.nextInt(5)) {
                    case 0, 1, 2 -> {
                        int offset = random.nextInt(MAX);
                        int length = 1 + random.nextInt(random.nextBoolean() ? 8 : 64);
                        byte[] data = new byte[length];
                        random.nextBytes(data);
                        int first = offset / SS;
                        int last = (offset + length - 1) / SS;
                        int needed = 0;
                        for (int i = first; i <= last; i++) {
                            needed += m.present[i] ? 0 : 1;
                        }
                        long freeBefore = allocator.stats().freeSectors();
                        if (needed > freeBefore) {
                            assertThrows(NoFreeSectorsException.class, () -> f.writeAt(ByteBuffer.wrap(data), offset),
                                    where);
                            assertEquals(freeBefore, allocator.stats().freeSectors(), where + ": sectors leaked");
                        } else {
                            f.writeAt(ByteBuffer.wrap(data), offset);
                            System.arraycopy(data, 0, m.bytes, offset, length);
                            for (int i = first; i <= last; i++) {
                                m.present[i] = true;
                            }
                            m.size = Math.max(m.size, offset + length);
                        }
                    }
                    case 3 -> {
                        long newSize = random.nextInt(MAX + 100);
                        f.truncate(newSize);
                        if (newSize < m.size) {
                            Arrays.fill(m.bytes, (int) newSize, (int) m.size, (byte) 0);
                            for (int i = (int) ((newSize + SS - 1) / SS); i < m.present.length; i++) {
                                m.present[i] = false;
                            }
                        }
                        m.size = newSize;
                    }
                    default -> {
                        long offset = random.nextInt(MAX + 200);
                        checkRegions(f, m, offset, where);
                    }
                }
                assertEquals(m.size, f.size(), where);
                int[] sectors = ((BlockPoolFile) f).sectors();
                for (int i = 0; i < m.present.length; i++) {
                    boolean has = i < sectors.length && sectors[i] != 0;
                    assertEquals(m.present[i], has, where + ": sector index " + i);
                }
                if (step % 10 == 0) {
                    byte[] got = new byte[(int) m.size];
                    if (m.size > 0) {
                        assertEquals(m.size, f.readAt(ByteBuffer.wrap(got), 0), where);
                    }
                    assertArrayEquals(Arrays.copyOf(m.bytes, (int) m.size), got, where);
                }
                int total = 0;
                for (Model each : models) {
                    total += each.sectorCount();
                }
                assertEquals(total, allocator.stats().usedSectors(), where);
            }
            for (PoolFile f : files) {
                f.close();
            }
            assertEquals(0, allocator.stats().usedSectors());
        }
    }

    private static void checkRegions(PoolFile f, Model m, long offset, String where) throws IOException {
        if (offset >= m.size) {
            assertThrows(EOFException.class, () -> f.nextRegionOffset(offset, RegionType.DATA), where);
            assertThrows(EOFException.class, () -> f.nextRegionOffset(offset, RegionType.HOLE), where);
            return;
        }
        long data = -1;
        for (long o = offset; o < m.size; o++) {
            if (m.present[(int) (o / SS)]) {
                data = o;
                break;
            }
        }
        long hole = m.size;
        for (long o = offset; o < m.size; o++) {
            if (!m.present[(int) (o / SS)]) {
                hole = o;
                break;
            }
        }
        if (data < 0) {
            assertThrows(EOFException.class, () -> f.nextRegionOffset(offset, RegionType.DATA), where);
        } else {
            assertEquals(data, f.nextRegionOffset(offset, RegionType.DATA), where + " DATA from " + offset);
        }
        assertEquals(hole, f.nextRegionOffset(offset, RegionType.HOLE), where + " HOLE from " + offset);
    }
}
