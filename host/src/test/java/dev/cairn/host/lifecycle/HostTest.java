package dev.cairn.host.lifecycle;

import dev.cairn.host.config.ConfigBinder;
import dev.cairn.host.config.ConfigLoader;
import dev.cairn.host.config.ConfigSource;
import dev.cairn.host.config.LoadedConfig;
import dev.cairn.host.plugins.ExtensionLoader;
import dev.cairn.host.plugins.LoadedExtensions;
import dev.cairn.host.testing.TestExtensions;
import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.tier.TieredStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Switching a role's implementation is a config edit and a restart, nothing else. */
class HostTest {
    @TempDir
    Path home;

    /** Writes the config file, "restarts" (a fresh loader and host) and hands the host to the check. */
    private <T> T withHost(String yaml, java.util.function.Function<Host, T> check) throws Exception {
        Path file = home.resolve("cairn.yaml");
        Files.writeString(file, yaml);
        LoadedConfig loaded = new ConfigLoader(new ConfigBinder(), Map.<String, String>of()::get)
                .load(ConfigSource.of(file));
        try (LoadedExtensions ext = new ExtensionLoader(getClass().getClassLoader())
                .load(home.resolve(loaded.config().plugins().dir()), List.of());
             Host host = new Host(home, loaded, ext.registry(), new ConfigBinder(), Clock.systemUTC())) {
            return check.apply(host);
        }
    }

    @Test
    void switchingTheCacheBackEndIsAConfigEdit() throws Exception {
        TestExtensions.STORES_CREATED.clear();
        withHost("cache: {stores: [{type: alpha, maxSize: 1MiB}]}", h -> h.store().describe());
        withHost("cache: {stores: [{type: beta, maxSize: 1MiB}]}", h -> h.store().describe());
        assertEquals(List.of("alpha", "beta"), TestExtensions.STORES_CREATED);
    }

    @Test
    void severalStoresFormATieredStore() throws Exception {
        TestExtensions.STORES_CREATED.clear();
        Object store = withHost("cache: {stores: [{type: alpha}, {type: beta}]}", Host::store);
        assertInstanceOf(TieredStore.class, store);
        assertEquals(List.of("alpha", "beta"), TestExtensions.STORES_CREATED);
    }

    @Test
    void switchingTheAllocatorIsAConfigEdit() throws Exception {
        String first = withHost("pool: {type: test-pool, allocator: test-next-fit}",
                h -> ((TestExtensions.RecordingPool) dev.cairn.host.plugins.ContextClassLoaderProxy.unwrap(
                        h.filePool())).allocator());
        String second = withHost("pool: {type: test-pool, allocator: test-first-fit}",
                h -> (String) h.filePool().status().get("allocator"));
        assertEquals("test-next-fit", first);
        assertEquals("test-first-fit", second);
    }

    @Test
    void switchingTheIoModeIsAConfigEdit() throws Exception {
        assertEquals("buffered", withHost("io: {mode: buffered}", h -> h.fileIo().name()));
        assertEquals("direct", withHost("io: {mode: direct}", h -> h.fileIo().name()));
        assertEquals("buffered", withHost("{}", h -> h.fileIo().name()), "buffered is the default");
    }

    @Test
    void anUnknownIoModeListsTheModes() throws Exception {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> withHost("io: {mode: mmap}", Host::fileIo));
        assertEquals("io.mode", e.key());
        assertTrue(e.getMessage().contains("buffered (built in)") && e.getMessage().contains("direct (built in)"),
                e.getMessage());
    }

    @Test
    void anUnknownAllocatorNamesThePoolKey() throws Exception {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> withHost("pool: {type: test-pool, allocator: buddy}", Host::filePool));
        assertEquals("pool.allocator", e.key());
        assertTrue(e.getMessage().contains("test-first-fit") && e.getMessage().contains("test-next-fit"));
    }

    @Test
    void validateReportsAPluginRecordErrorWithTheFullKeyBeforeCreatingAnything() throws Exception {
        TestExtensions.STORES_CREATED.clear();
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> withHost("cache: {stores: [{type: alpha}, {type: beta, maxSize: 2TiB}]}", Host::validate));
        assertEquals("cache.stores[1].maxSize", e.key());
        assertTrue(e.getMessage().contains("at most 1TiB"), e.getMessage());
        assertEquals(List.of(), TestExtensions.STORES_CREATED, "nothing is created when the config is invalid");
    }

    @Test
    void aMissingTypeListsTheTypes() throws Exception {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> withHost("cache: {stores: [{maxSize: 1GiB}]}", Host::validate));
        assertEquals("cache.stores[0].type", e.key());
        assertTrue(e.getMessage().contains("available: alpha, beta"), e.getMessage());
    }

    @Test
    void noStoreConfiguredIsAClearError() throws Exception {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> withHost("{}", Host::store));
        assertEquals("cache.stores", e.key());
    }

    @Test
    void relativePathsResolveAgainstTheHome() throws Exception {
        assertEquals(home.resolve("var/cache").toAbsolutePath(), withHost("{}", h -> h.resolve("var/cache")));
        assertEquals(Path.of("/srv/cache"), withHost("{}", h -> h.resolve("/srv/cache")));
    }

    @Test
    void sectionsBindToThePluginsRecordWithTheirKey() throws Exception {
        record Layer(String dir, Integer waitSeconds) {
        }
        Layer l = withHost("sections: {layerfs: {dir: var/layers, waitSeconds: 3}}", h -> h.section("layerfs", Layer.class));
        assertEquals(new Layer("var/layers", 3), l);
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> withHost("sections: {layerfs: {dri: x}}", h -> h.section("layerfs", Layer.class)));
        assertEquals("sections.layerfs.dri", e.key());
        FilePool none = null;
        assertEquals(null, none);
    }
}
