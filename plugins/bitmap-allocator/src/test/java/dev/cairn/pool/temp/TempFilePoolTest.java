package dev.cairn.pool.temp;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.pool.RegionType;
import dev.cairn.testkit.FakeHostContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code temp} pool: sparse temporary files, exact data/hole regions, deleted on close. */
class TempFilePoolTest {
    @TempDir
    Path home;

    FilePool pool() throws IOException {
        return new TempFilePoolFactory().create(new TempFilePoolConfig(null, null), new FakeHostContext(home));
    }

    long files() throws IOException {
        try (Stream<Path> s = Files.list(home.resolve("var/pool"))) {
            return s.count();
        }
    }

    static String read(PoolFile f, long offset, int length) throws IOException {
        ByteBuffer dst = ByteBuffer.allocate(length);
        int n = f.readAt(dst, offset);
        return n < 0 ? "EOF" : new String(dst.array(), 0, n, StandardCharsets.US_ASCII).replace('\0', '.');
    }

    @Test
    void holesReadAsZerosAndTakeNoDiskSpace() throws IOException {
        try (FilePool pool = pool(); PoolFile f = pool.newFile()) {
            f.writeAt(ByteBuffer.wrap("end".getBytes(StandardCharsets.US_ASCII)), 64L << 20);
            assertEquals((64L << 20) + 3, f.size());
            Path backing = ((TempPoolFile) f).path();
            long blocks = allocatedBytes(backing) / 512;
            assertTrue(blocks * 512 < (1 << 20), "not sparse: " + blocks + " blocks");
            assertEquals("....", read(f, 1000, 4));
            assertEquals("end", read(f, 64L << 20, 10));
        }
    }

    @Test
    void regionsAreExact() throws IOException {
        try (FilePool pool = pool(); PoolFile f = pool.newFile()) {
            assertThrows(EOFException.class, () -> f.nextRegionOffset(0, RegionType.DATA));
            f.writeAt(ByteBuffer.allocate(10), 10);  // [10,20)
            f.writeAt(ByteBuffer.allocate(5), 18);   // merged: [10,23)
            f.writeAt(ByteBuffer.allocate(2), 40);   // [40,42)
            f.truncate(50);
            assertEquals(10, f.nextRegionOffset(0, RegionType.DATA));
            assertEquals(0, f.nextRegionOffset(0, RegionType.HOLE));
            assertEquals(23, f.nextRegionOffset(10, RegionType.HOLE));
            assertEquals(22, f.nextRegionOffset(22, RegionType.DATA));
            assertEquals(40, f.nextRegionOffset(23, RegionType.DATA));
            assertEquals(42, f.nextRegionOffset(41, RegionType.HOLE));
            assertThrows(EOFException.class, () -> f.nextRegionOffset(42, RegionType.DATA));
            assertEquals(45, f.nextRegionOffset(45, RegionType.HOLE));
            assertThrows(EOFException.class, () -> f.nextRegionOffset(50, RegionType.HOLE));
            f.truncate(15);
            assertEquals(15, f.nextRegionOffset(10, RegionType.HOLE));
            f.truncate(30);
            assertEquals(".....", read(f, 15, 5));
            assertEquals(15, f.nextRegionOffset(12, RegionType.HOLE));
        }
    }

    @Test
    void closeDeletesTheFileAndPoolCloseDeletesTheRest() throws IOException {
        FilePool pool = pool();
        PoolFile a = pool.newFile();
        PoolFile b = pool.newFile();
        a.writeAt(ByteBuffer.allocate(10), 0);
        assertEquals(2, files());
        assertEquals(2, pool.status().get("openFiles"));
        a.close();
        assertEquals(1, files());
        assertThrows(IOException.class, () -> a.readAt(ByteBuffer.allocate(1), 0));
        pool.close();
        assertEquals(0, files());
        assertThrows(IOException.class, pool::newFile);
        assertThrows(IOException.class, () -> b.writeAt(ByteBuffer.allocate(1), 0));
    }

    @Test
    void aDirThatIsAFileIsRefused() throws IOException {
        Files.writeString(home.resolve("file"), "x");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new TempFilePoolFactory().create(new TempFilePoolConfig("file", null), new FakeHostContext(home)));
        assertEquals("dir", e.key());
    }

    /** Bytes the file system allocated to a file ({@code stat %b}: the JDK has no portable attribute for it). */
    static long allocatedBytes(Path file) throws IOException {
        Process p = new ProcessBuilder("stat", "-c", "%b", file.toString()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            if (p.waitFor() != 0) {
                throw new IOException("stat failed: " + out);
            }
            return Long.parseLong(out.trim()) * 512;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
