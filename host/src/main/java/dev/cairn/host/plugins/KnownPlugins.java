package dev.cairn.host.plugins;

import dev.cairn.spi.alloc.SectorAllocatorFactory;
import dev.cairn.spi.dir.DirectoryOpenerFactory;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.pool.FilePoolFactory;
import dev.cairn.spi.service.ServiceFactory;
import dev.cairn.spi.store.StoreFactory;

import java.util.Map;
import java.util.Optional;

/**
 * Which plugin of the Cairn distribution provides which name, so an unknown {@code type} can say which jar to add.
 */
final class KnownPlugins {
    private static final Map<Class<?>, Map<String, String>> PROVIDERS = Map.of(
            StoreFactory.class, Map.of("disk", "disk-cache", "s3", "s3-cache"),
            SectorAllocatorFactory.class, Map.of("bitmap", "bitmap-allocator", "first-fit", "first-fit-allocator"),
            FilePoolFactory.class, Map.of("block", "bitmap-allocator", "temp", "bitmap-allocator"),
            FileIoProcessorFactory.class, Map.of("buffered", "classpath", "direct", "classpath"),
            DirectoryOpenerFactory.class, Map.of("path", "fuse-lazydir"),
            ServiceFactory.class, Map.of("sync-server", "sparse-sync"));

    private KnownPlugins() {
    }

    static Optional<String> providerOf(Class<?> type, String name) {
        return Optional.ofNullable(PROVIDERS.getOrDefault(type, Map.of()).get(name))
                .filter(id -> !id.equals(ExtensionLoader.CLASSPATH));
    }

    static String jarOf(String pluginId) {
        if (pluginId.equals("first-fit-allocator")) {
            return "the example in examples/first-fit-allocator";
        }
        return "cairn-plugin-" + pluginId + "-<version>.jar";
    }
}
