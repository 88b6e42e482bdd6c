package dev.cairn.cache.disk;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.StatusSource;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFactory;
import dev.cairn.testkit.FakeHostContext;
import dev.cairn.testkit.store.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The factory is found by name and binds a validated configuration. */
class DiskStoreFactoryTest {
    @TempDir
    Path home;

    @Test
    void foundThroughTheServiceLoaderByName() {
        FakeHostContext ctx = new FakeHostContext(home);
        @SuppressWarnings("unchecked")
        StoreFactory<DiskStoreConfig> factory = ctx.factory(StoreFactory.class, "disk", "cache.stores[0].type");
        assertInstanceOf(DiskStoreFactory.class, factory);
        assertSame(DiskStoreConfig.class, factory.configType());
    }

    @Test
    void relativeDirResolvesAgainstHomeAndUsesTheHostClock() throws Exception {
        ManualClock clock = new ManualClock();
        FakeHostContext ctx = new FakeHostContext(home).withClock(clock);
        try (Store store = new DiskStoreFactory().create(DiskStoreConfig.of("cache"), ctx)) {
            assertEquals(home.resolve("cache/main"), store.dir().orElseThrow());
            assertTrue(Files.exists(home.resolve("cache/.cairn-disk-store")));
            store.put("k1", "output", new byte[]{1, 2});
            assertArrayEquals(new byte[]{1, 2}, store.getBytes("k1", "output").orElseThrow());
            assertEquals(clock.millis(), Files.getLastModifiedTime(home.resolve("cache/main/k1/k1")).toMillis());
            assertInstanceOf(StatusSource.class, store);
            assertEquals(DiskStoreConfig.DEFAULT_MAX_SIZE.bytes(), store.stats().maxSizeBytes());
        }
    }

    @Test
    void defaults() {
        DiskStoreConfig c = DiskStoreConfig.of("cache");
        assertEquals(DataSize.parse("10GiB"), c.maxSize());
        assertNull(c.maxAge());
        assertEquals(DataSize.ofBytes(0), c.maxBlobSize());
        assertEquals(c.maxSize(), c.namespaceMaxSize());
        assertEquals(Map.of(), c.namespaces());
        assertTrue(c.fsync());
        assertEquals(10L << 30, c.budgetOf("cas"));
        DiskStoreConfig withNs = new DiskStoreConfig("c", null, null, null, DataSize.parse("1GiB"),
                Map.of("cas", DataSize.parse("8GiB")), null);
        assertEquals(8L << 30, withNs.budgetOf("cas"));
        assertEquals(1L << 30, withNs.budgetOf("ac"));
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertEquals("dir", assertThrows(ConfigurationException.class,
                () -> DiskStoreConfig.of(null)).key());
        assertEquals("dir", assertThrows(ConfigurationException.class,
                () -> DiskStoreConfig.of("  ")).key());
        assertEquals("maxAge", assertThrows(ConfigurationException.class,
                () -> new DiskStoreConfig("c", null, Duration.ZERO, null, null, null, null)).key());
        ConfigurationException big = assertThrows(ConfigurationException.class,
                () -> new DiskStoreConfig("c", DataSize.parse("1GiB"), null, DataSize.parse("2GiB"), null, null, null));
        assertEquals("maxBlobSize", big.key());
        assertTrue(big.getMessage().contains("at most maxSize"), big.getMessage());
        assertEquals("namespaces.../x", assertThrows(ConfigurationException.class,
                () -> new DiskStoreConfig("c", null, null, null, null, Map.of("../x", DataSize.ofBytes(1)), null))
                .key());
    }

    @Test
    void maxBlobSizeIsEnforced() throws Exception {
        Path dir = home.resolve("s");
        DiskStoreConfig config = new DiskStoreConfig(dir.toString(), null, null, DataSize.ofBytes(100), null, null,
                true);
        try (Store store = DiskStore.open(dir, config, new ManualClock())) {
            assertThrows(dev.cairn.spi.store.BlobTooLargeException.class,
                    () -> store.put("k1", "output", new byte[101]));
            store.put("k1", "output", new byte[100]);
            assertTrue(store.has("k1"));
        }
    }
}
