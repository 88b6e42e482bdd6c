package dev.cairn.host.plugins;

import dev.cairn.host.testing.PluginJarBuilder;
import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.alloc.SectorAllocatorFactory;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtensionLoaderTest {
    @TempDir
    Path dir;

    private Path plugins() throws IOException {
        return Files.createDirectories(dir.resolve("plugins"));
    }

    /** A store factory plugin; {@code name()} returns the configured name plus the Greeting copy it sees. */
    static PluginJarBuilder storePlugin(String id, String factoryName) {
        String pkg = "test." + id.replace('-', '_');
        return PluginJarBuilder.plugin(id)
                .source(pkg + ".Factory", """
                        package %s;
                        import dev.cairn.spi.HostContext;
                        import dev.cairn.spi.store.Store;
                        import dev.cairn.spi.store.StoreFactory;
                        public final class Factory implements StoreFactory<Factory.Config> {
                            public record Config(String label) {}
                            public static volatile ClassLoader contextLoaderSeen;
                            public String name() { return "%s"; }
                            public String greeting() { return dev.cairn.fixture.Greeting.text(); }
                            public Class<Config> configType() { return Config.class; }
                            public Store create(Config config, HostContext context) {
                                contextLoaderSeen = Thread.currentThread().getContextClassLoader();
                                return new dev.cairn.testkit.InMemoryStore(0);
                            }
                        }
                        """.formatted(pkg, factoryName))
                .service(StoreFactory.class, pkg + ".Factory");
    }

    private LoadedExtensions load() throws IOException {
        return new ExtensionLoader(getClass().getClassLoader()).load(plugins(), List.of());
    }

    @Test
    void loadsAPluginJarAndListsWhatItProvides() throws Exception {
        Path jar = storePlugin("mem-store", "mem").build(plugins());
        try (LoadedExtensions loaded = load()) {
            PluginInfo info = loaded.registry().plugins().stream().filter(p -> p.id().equals("mem-store"))
                    .findFirst().orElseThrow();
            assertEquals("STARTED", info.state());
            assertEquals("1.0.0", info.version());
            assertEquals(jar, info.path().orElseThrow());
            assertEquals(List.of("mem"), info.extensions().stream().map(ProvidedExtension::name).toList());
            StoreFactory<?> factory = loaded.registry().find(StoreFactory.class, "mem", "cache.stores[0].type");
            assertEquals("mem", factory.name());
        }
    }

    @Test
    void callsIntoAPluginRunWithItsClassLoaderAsContextLoader() throws Exception {
        storePlugin("tccl", "tccl").build(plugins());
        try (LoadedExtensions loaded = load()) {
            @SuppressWarnings("unchecked")
            StoreFactory<Object> factory = loaded.registry().find(StoreFactory.class, "tccl", "k");
            Object config = factory.configType().getDeclaredConstructors()[0].newInstance("x");
            ClassLoader before = Thread.currentThread().getContextClassLoader();
            Store store = factory.create(config, null);
            Class<?> impl = ContextClassLoaderProxy.unwrap(factory).getClass();
            ClassLoader seen = (ClassLoader) impl.getField("contextLoaderSeen").get(null);
            assertSame(impl.getClassLoader(), seen, "create() must run with the plugin's class loader as TCCL");
            assertNotSame(before, seen);
            assertSame(before, Thread.currentThread().getContextClassLoader(), "caller's TCCL is restored");
            // The returned store is wrapped too, and still an SPI Store shared with the host.
            assertTrue(java.lang.reflect.Proxy.isProxyClass(store.getClass()));
            store.put("k1", "value", new byte[]{1});
            assertEquals(1, store.getBytes("k1", "value").orElseThrow()[0]);
        }
    }

    @Test
    void pluginLibrariesAreLoadedPluginFirstAndTheSpiFromTheHost() throws Exception {
        storePlugin("isolated", "isolated")
                .source("dev.cairn.fixture.Greeting", """
                        package dev.cairn.fixture;
                        public final class Greeting { public static String text() { return "plugin"; } }
                        """)
                .build(plugins());
        try (LoadedExtensions loaded = load()) {
            Object factory = ContextClassLoaderProxy.unwrap(loaded.registry().find(StoreFactory.class, "isolated", "k"));
            assertEquals("plugin", factory.getClass().getMethod("greeting").invoke(factory));
            assertEquals("host", dev.cairn.fixture.Greeting.text());
            assertSame(StoreFactory.class, factory.getClass().getInterfaces()[0],
                    "the SPI type must be the host's, or casts fail");
        }
    }

    @Test
    void aPluginForAnotherSpiMajorVersionIsRefusedWithItsNameAndVersions() throws Exception {
        storePlugin("future", "future").requires(">=2.0.0 & <3.0.0").build(plugins());
        PluginLoadException e = assertThrows(PluginLoadException.class, this::load);
        assertTrue(e.getMessage().contains("plugin 'future'"), e.getMessage());
        assertTrue(e.getMessage().contains("requires SPI >=2.0.0 & <3.0.0"), e.getMessage());
        assertTrue(e.getMessage().contains("provides SPI 1.0.0"), e.getMessage());
    }

    @Test
    void aDuplicateFactoryNameNamesBothPlugins() throws Exception {
        storePlugin("first", "same").build(plugins());
        storePlugin("second", "same").build(plugins());
        PluginLoadException e = assertThrows(PluginLoadException.class, this::load);
        assertTrue(e.getMessage().contains("store name 'same' is provided twice"), e.getMessage());
        assertTrue(e.getMessage().contains("plugin 'first'") && e.getMessage().contains("plugin 'second'"),
                e.getMessage());
    }

    @Test
    void aDuplicatePluginIdNamesBothFiles() throws Exception {
        storePlugin("twice", "a").version("1.0.0").build(plugins());
        storePlugin("twice", "b").version("1.1.0").build(plugins());
        PluginLoadException e = assertThrows(PluginLoadException.class, this::load);
        assertTrue(e.getMessage().contains("plugin id 'twice' is provided twice"), e.getMessage());
        assertTrue(e.getMessage().contains("twice-1.0.0.jar") && e.getMessage().contains("twice-1.1.0.jar"));
    }

    @Test
    void aCorruptJarIsAnErrorNamingTheFile() throws Exception {
        Path jar = storePlugin("good", "good").build(plugins());
        byte[] bytes = Files.readAllBytes(jar);
        Path corrupt = plugins().resolve("broken.jar");
        try (OutputStream out = Files.newOutputStream(corrupt)) {
            out.write(bytes, 0, bytes.length / 2);
        }
        PluginLoadException e = assertThrows(PluginLoadException.class, this::load);
        assertTrue(e.getMessage().contains(corrupt.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    }

    @Test
    void aJarWithoutPluginIdIsAnError() throws Exception {
        Path jar = plugins().resolve("plain.jar");
        try (OutputStream out = Files.newOutputStream(jar);
             java.util.jar.JarOutputStream j = new java.util.jar.JarOutputStream(out, new java.util.jar.Manifest())) {
            j.putNextEntry(new java.util.jar.JarEntry("x.txt"));
        }
        PluginLoadException e = assertThrows(PluginLoadException.class, this::load);
        assertTrue(e.getMessage().contains("has no Plugin-Id"), e.getMessage());
    }

    @Test
    void aPluginThatFailsToCreateItsFactoryDoesNotStopTheHostUntilUsed() throws Exception {
        storePlugin("fine", "fine").build(plugins());
        PluginJarBuilder.plugin("bitmap-allocator")
                .source("test.broken.Factory", """
                        package test.broken;
                        public final class Factory implements dev.cairn.spi.alloc.SectorAllocatorFactory {
                            public Factory() { throw new IllegalStateException("native library missing"); }
                            public String name() { return "bitmap"; }
                            public dev.cairn.spi.alloc.SectorAllocator create(int n) { return null; }
                        }
                        """)
                .service(SectorAllocatorFactory.class, "test.broken.Factory")
                .build(plugins());
        try (LoadedExtensions loaded = load()) {
            PluginInfo broken = loaded.registry().plugins().stream().filter(p -> p.id().equals("bitmap-allocator"))
                    .findFirst().orElseThrow();
            assertEquals("FAILED", broken.state());
            assertTrue(broken.error().orElseThrow().contains("native library missing"));
            assertEquals("fine", loaded.registry().find(StoreFactory.class, "fine", "k").name());
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> loaded.registry().find(SectorAllocatorFactory.class, "bitmap", "pool.allocator"));
            assertTrue(e.getMessage().startsWith("pool.allocator: unknown allocator 'bitmap'"), e.getMessage());
            assertTrue(e.getMessage().contains("failed to load: ") && e.getMessage().contains("native library missing"),
                    e.getMessage());
        }
    }

    @Test
    void anUnknownNameListsWhatIsAvailableAndWhichPluginWouldProvideIt() throws Exception {
        storePlugin("mem-store", "mem").build(plugins());
        try (LoadedExtensions loaded = load()) {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> loaded.registry().find(StoreFactory.class, "s3", "cache.stores[1].type"));
            assertEquals("cache.stores[1].type", e.key());
            assertTrue(e.getMessage().contains("unknown store 's3'"), e.getMessage());
            assertTrue(e.getMessage().contains("available: ") && e.getMessage().contains("mem (plugin mem-store)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("provided by plugin s3-cache"), e.getMessage());
        }
    }

    @Test
    void disabledPluginsAreListedButNotLoaded() throws Exception {
        storePlugin("off", "off").build(plugins());
        try (LoadedExtensions loaded = new ExtensionLoader(getClass().getClassLoader()).load(plugins(), List.of("off"))) {
            assertEquals("DISABLED", loaded.registry().plugins().stream().filter(p -> p.id().equals("off"))
                    .findFirst().orElseThrow().state());
            assertTrue(loaded.registry().lookup(StoreFactory.class, "off").isEmpty());
        }
    }

    @Test
    void aMissingPluginsFolderLeavesTheClassPathExtensions() {
        try (LoadedExtensions loaded = new ExtensionLoader(getClass().getClassLoader())
                .load(dir.resolve("absent"), List.of())) {
            assertEquals(List.of(ExtensionLoader.CLASSPATH),
                    loaded.registry().plugins().stream().map(PluginInfo::id).toList());
            assertNotEquals(0, loaded.registry().extensions().size(), "test class path registers factories");
        }
    }
}
