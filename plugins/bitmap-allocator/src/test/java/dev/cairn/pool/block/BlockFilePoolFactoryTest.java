package dev.cairn.pool.block;

import dev.cairn.pool.quota.QuotaExceededException;
import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.FilePoolFactory;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.testkit.FakeHostContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code block} pool as the host creates it: config, backing file creation, allocator lookup, quota. */
class BlockFilePoolFactoryTest {
    @TempDir
    Path home;
    FakeHostContext ctx;
    final BlockFilePoolFactory factory = new BlockFilePoolFactory();

    @BeforeEach
    void setUp() {
        ctx = new FakeHostContext(home).withFileIo(new ChannelFileIo());
    }

    static BlockFilePoolConfig config(String allocator, String path, String size, String sectorSize, String quota) {
        return new BlockFilePoolConfig(allocator, path, size == null ? null : DataSize.parse(size),
                sectorSize == null ? null : DataSize.parse(sectorSize), quota == null ? null : DataSize.parse(quota));
    }

    @Test
    void isFoundByServiceLoaderAsBlockAndTemp() {
        var names = new java.util.TreeSet<String>();
        for (FilePoolFactory<?> f : ServiceLoader.load(FilePoolFactory.class)) {
            names.add(f.name());
        }
        assertEquals(new java.util.TreeSet<>(java.util.List.of("block", "temp")), names);
    }

    @Test
    void createsAndSizesAMissingRegularFileSparsely() throws Exception {
        try (FilePool pool = factory.create(config(null, "var/pool.img", "64MiB", null, null), ctx)) {
            Path img = home.resolve("var/pool.img");
            assertEquals(64L << 20, Files.size(img));
            long blocks = allocatedBytes(img) / 512;
            assertTrue(blocks * 512 < (1 << 20), "backing file is not sparse: " + blocks + " blocks");
            assertEquals(16384L, pool.status().get("sectors"));
            assertEquals(4096, pool.status().get("sectorSize"));
            assertEquals("bitmap", pool.status().get("allocator"));
            assertEquals("test-buffered", pool.status().get("ioMode"));
            try (PoolFile f = pool.newFile()) {
                byte[] data = new byte[10_000];
                java.util.Arrays.fill(data, (byte) 'q');
                f.writeAt(ByteBuffer.wrap(data), 5000);
                assertEquals(3L, pool.status().get("sectorsUsed"));
                // File sectors 1..3 (sector 0 is a hole) got device sectors 1..3: file offset 5000 is 904 bytes
                // into file sector 1, so device offset (1 - 1) * 4096 + 904.
                byte[] raw = Files.readAllBytes(img);
                assertEquals(0, raw[903]);
                assertEquals('q', raw[904]);
                assertEquals('q', raw[10_903]);
                assertEquals(0, raw[10_904]);
            }
            assertEquals(0L, pool.status().get("sectorsUsed"));
        }
    }

    @Test
    void anExistingFileKeepsItsSizeWhenNoSizeIsGiven() throws Exception {
        Path img = home.resolve("existing.img");
        Files.write(img, new byte[8192 * 3]);
        try (FilePool pool = factory.create(config("bitmap", img.toString(), null, "8KiB", null), ctx)) {
            assertEquals(3L, pool.status().get("sectors"));
        }
        assertEquals(8192 * 3, Files.size(img));
    }

    @Test
    void aMissingFileNeedsASize() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> factory.create(config(null, "missing.img", null, null, null), ctx));
        assertEquals("size", e.key());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        assertTrue(Files.notExists(home.resolve("missing.img")));
    }

    @Test
    void aDirectoryIsRefused() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> factory.create(config(null, ".", "1MiB", null, null), ctx));
        assertEquals("path", e.key());
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    }

    @Test
    void anUnknownAllocatorListsTheAvailableOnes() {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> factory.create(config("best-fit", "p.img", "1MiB", null, null), ctx));
        assertEquals("pool.allocator", e.key());
        assertTrue(e.getMessage().contains("best-fit") && e.getMessage().contains("bitmap"), e.getMessage());
    }

    @Test
    void aSectorSizeBelowTheIoAlignmentIsRefused() {
        ctx.withFileIo(new ChannelFileIo(4096));
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> factory.create(config(null, "p.img", "1MiB", "512B", null), ctx));
        assertEquals("sectorSize", e.key());
        assertTrue(e.getMessage().contains("4096"), e.getMessage());
    }

    @Test
    void configValidationNamesTheKey() {
        assertEquals("path", assertThrows(ConfigurationException.class,
                () -> config(null, null, "1MiB", null, null)).key());
        assertEquals("sectorSize", assertThrows(ConfigurationException.class,
                () -> config(null, "p", "1MiB", "1000B", null)).key());
        assertEquals("sectorSize", assertThrows(ConfigurationException.class,
                () -> config(null, "p", "1MiB", "256B", null)).key());
        assertEquals("size", assertThrows(ConfigurationException.class,
                () -> config(null, "p", "1KiB", "4KiB", null)).key());
        assertEquals("size", assertThrows(ConfigurationException.class,
                () -> config(null, "p", "16TiB", "4KiB", null)).key());
        assertEquals("quota", assertThrows(ConfigurationException.class,
                () -> config(null, "p", "1MiB", null, "0B")).key());
        BlockFilePoolConfig defaults = config(null, "p", null, null, null);
        assertEquals("bitmap", defaults.allocator());
        assertEquals(DataSize.ofBytes(4096), defaults.sectorSize());
    }

    @Test
    void aQuotaWrapsThePool() throws Exception {
        try (FilePool pool = factory.create(config(null, "q.img", "1MiB", null, "10KiB"), ctx)) {
            PoolFile f = pool.newFile();
            f.writeAt(ByteBuffer.allocate(8192), 0);
            QuotaExceededException e = assertThrows(QuotaExceededException.class,
                    () -> f.writeAt(ByteBuffer.allocate(4096), 8192));
            assertTrue(e.getMessage().startsWith("pool quota of 10KiB exceeded"), e.getMessage());
            assertEquals(8192, f.size());
            assertEquals(2L, pool.status().get("sectorsUsed"));
            assertEquals(10240L, pool.status().get("quotaBytes"));
            f.close();
        }
    }

    @Test
    void aBlockDeviceLikePathIsOpenedWithoutCreate() throws Exception {
        // /dev/zero is a character device: not a regular file, so the pool must not try to size it.
        Path zero = Path.of("/dev/zero");
        PosixFileAttributes attrs = Files.readAttributes(zero, PosixFileAttributes.class);
        assertTrue(attrs.isOther());
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> factory.create(config(null, "/dev/zero", null, null, null), ctx));
        assertEquals("size", e.key());
        try (FilePool pool = factory.create(config(null, "/dev/zero", "1MiB", null, null), ctx)) {
            assertEquals(256L, pool.status().get("sectors"));
            try (PoolFile f = pool.newFile()) {
                f.writeAt(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
                assertEquals(3, f.size());
            }
        }
    }

    @Test
    void aOneSectorPoolWorks() throws Exception {
        try (FilePool pool = factory.create(config(null, "r.img", "4KiB", null, null), ctx)) {
            assertEquals(1L, pool.status().get("sectors"));
            try (PoolFile f = pool.newFile()) {
                f.writeAt(ByteBuffer.wrap(new byte[] {9}), 4095);
                assertEquals(1L, pool.status().get("sectorsUsed"));
                assertThrows(dev.cairn.spi.alloc.NoFreeSectorsException.class,
                        () -> pool.newFile().writeAt(ByteBuffer.wrap(new byte[] {1}), 0));
            }
        }
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
