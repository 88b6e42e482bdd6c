package dev.cairn.host.plugins;

import dev.cairn.spi.Named;
import dev.cairn.spi.alloc.SectorAllocatorFactory;
import dev.cairn.spi.command.PluginCommand;
import dev.cairn.spi.dir.DirectoryOpenerFactory;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.pool.FilePoolFactory;
import dev.cairn.spi.service.ServiceFactory;
import dev.cairn.spi.store.StoreFactory;

import java.util.List;
import java.util.Map;

/** The extension points a plugin can provide, each registered through {@code META-INF/services/<interface>}. */
public final class ExtensionPoints {
    /** Every extension point, in the order {@code cairn plugins} shows them. */
    public static final List<Class<? extends Named>> ALL = List.of(
            StoreFactory.class,
            SectorAllocatorFactory.class,
            FilePoolFactory.class,
            FileIoProcessorFactory.class,
            DirectoryOpenerFactory.class,
            ServiceFactory.class,
            PluginCommand.class);

    /** Short role names used in listings and errors. */
    private static final Map<Class<?>, String> ROLES = Map.of(
            StoreFactory.class, "store",
            SectorAllocatorFactory.class, "allocator",
            FilePoolFactory.class, "pool",
            FileIoProcessorFactory.class, "io mode",
            DirectoryOpenerFactory.class, "directory opener",
            ServiceFactory.class, "service",
            PluginCommand.class, "command");

    private ExtensionPoints() {
    }

    /**
     * @param type an extension point
     * @return its short role name, e.g. {@code store}
     */
    public static String role(Class<?> type) {
        return ROLES.getOrDefault(type, type.getSimpleName());
    }
}
