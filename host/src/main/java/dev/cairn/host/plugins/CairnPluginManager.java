package dev.cairn.host.plugins;

import dev.cairn.spi.SpiVersion;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginFactory;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.JarPluginLoader;
import org.pf4j.Plugin;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginFactory;
import org.pf4j.PluginLoader;

import java.nio.file.Path;

/**
 * PF4J configured for Cairn: jars, zips and unpacked folders, each with a {@link CairnPluginClassLoader}; the system
 * version is the SPI version, so {@code Plugin-Requires} is checked against it; {@code Plugin-Class} is optional,
 * since Cairn plugins contribute through {@code META-INF/services}, not through a plugin object.
 */
final class CairnPluginManager extends DefaultPluginManager {
    CairnPluginManager(Path pluginsDir) {
        super(pluginsDir);
        setSystemVersion(SpiVersion.CURRENT);
    }

    @Override
    protected PluginLoader createPluginLoader() {
        ClassLoader host = CairnPluginManager.class.getClassLoader();
        return new CompoundPluginLoader()
                .add(new DefaultPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                        return new CairnPluginClassLoader(pluginManager, descriptor, host);
                    }
                })
                .add(new JarPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                        return new CairnPluginClassLoader(pluginManager, descriptor, host);
                    }
                });
    }

    @Override
    protected PluginFactory createPluginFactory() {
        PluginFactory classBased = new DefaultPluginFactory();
        return wrapper -> {
            String pluginClass = wrapper.getDescriptor().getPluginClass();
            if (pluginClass == null || pluginClass.isBlank() || pluginClass.equals(Plugin.class.getName())) {
                return new Plugin() {
                };
            }
            return classBased.create(wrapper);
        };
    }
}
