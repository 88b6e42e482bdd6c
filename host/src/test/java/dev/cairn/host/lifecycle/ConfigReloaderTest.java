package dev.cairn.host.lifecycle;

import dev.cairn.host.config.CairnConfig;
import dev.cairn.host.config.ConfigBinder;
import dev.cairn.host.config.ConfigLoader;
import dev.cairn.host.config.ConfigSource;
import dev.cairn.host.config.LoadedConfig;
import dev.cairn.host.plugins.ExtensionLoader;
import dev.cairn.host.plugins.LoadedExtensions;
import dev.cairn.projection.AtomicWriter;
import dev.cairn.projection.ConfigVolumeWatcher;
import dev.cairn.projection.PayloadFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config file is a Kubernetes ConfigMap volume: cairn.yaml -> ..data/cairn.yaml, updated by a ..data swap. */
class ConfigReloaderTest {
    @TempDir
    Path home;
    private AtomicWriter volume;
    private Host host;
    private LoadedExtensions extensions;
    private ConfigReloader reloader;
    private final List<CairnConfig.LogLevel> levels = new CopyOnWriteArrayList<>();
    private final List<ConfigReloader.Result> results = new CopyOnWriteArrayList<>();
    private ConfigVolumeWatcher watcher;

    private void project(String yaml) throws Exception {
        volume.write(Map.of("cairn.yaml", PayloadFile.ofUtf8(yaml)));
    }

    @BeforeEach
    void start() throws Exception {
        volume = new AtomicWriter(home.resolve("config"));
        project("cache: {stores: [{type: alpha, maxSize: 1MiB}]}\nlog: {level: info}\n");
        Path file = home.resolve("config/cairn.yaml");
        assertTrue(Files.isSymbolicLink(file));
        ConfigLoader loader = new ConfigLoader(new ConfigBinder(), Map.<String, String>of()::get);
        LoadedConfig loaded = loader.load(ConfigSource.of(file));
        extensions = new ExtensionLoader(getClass().getClassLoader()).load(home.resolve("plugins"), List.of());
        host = new Host(home, loaded, extensions.registry(), new ConfigBinder(), Clock.systemUTC());
        host.store();
        reloader = new ConfigReloader(loader, ConfigSource.of(file), host, null, levels::add);
        watcher = new ConfigVolumeWatcher(file, changed -> results.add(reloader.reload()));
    }

    @AfterEach
    void stop() throws Exception {
        watcher.close();
        host.close();
        extensions.close();
    }

    @Test
    void aDataSwapAppliesLiveChangesAndNamesThoseNeedingARestart() throws Exception {
        project("cache: {stores: [{type: alpha, maxSize: 2MiB}]}\nlog: {level: debug}\nio: {mode: direct}\n");
        assertTrue(watcher.checkNow(), "the ..data swap is seen");
        assertEquals(1, results.size());
        ConfigReloader.Result r = results.get(0);
        assertTrue(r.accepted(), String.valueOf(r.error()));
        assertEquals(List.of("log.level", "cache.stores[0].maxSize"), r.applied());
        assertEquals(List.of("io"), r.needRestart());
        assertEquals(List.of(CairnConfig.LogLevel.DEBUG), levels);
        assertEquals(2L << 20, host.store().stats().maxSizeBytes());
        assertFalse(watcher.checkNow(), "no second callback without a new swap");
    }

    @Test
    void aBrokenConfigIsRejectedAndTheOldOneKept() throws Exception {
        project("cache: {stores: [{type: alpha, maxSize: 1MiB, bogus: 1}]}\n");
        assertTrue(watcher.checkNow());
        ConfigReloader.Result r = results.get(0);
        assertFalse(r.accepted());
        assertTrue(r.error().startsWith("cache.stores[0].bogus: unknown key"), r.error());
        assertEquals(1L << 20, host.store().stats().maxSizeBytes());
        assertEquals("1MiB", reloader.current().tree().at("/cache/stores/0/maxSize").asText());

        project("cache: {stores: [{type: nope}]}\n");
        assertTrue(watcher.checkNow());
        assertFalse(results.get(1).accepted());
        assertTrue(results.get(1).error().contains("unknown store 'nope'"), results.get(1).error());

        // A good config after broken ones is applied against the last good one.
        project("cache: {stores: [{type: alpha, maxSize: 3MiB}]}\nlog: {level: info}\n");
        assertTrue(watcher.checkNow());
        assertTrue(results.get(2).accepted());
        assertEquals(List.of("cache.stores[0].maxSize"), results.get(2).applied());
        assertEquals(3L << 20, host.store().stats().maxSizeBytes());
    }

    @Test
    void changingTheStoreTypeNeedsARestart() throws Exception {
        project("cache: {stores: [{type: beta, maxSize: 1MiB}]}\nlog: {level: info}\n");
        assertTrue(watcher.checkNow());
        assertEquals(List.of("cache.stores[0]"), results.get(0).needRestart());
        assertEquals(List.of(), results.get(0).applied());
    }
}
