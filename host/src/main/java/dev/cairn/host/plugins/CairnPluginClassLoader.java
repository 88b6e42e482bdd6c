package dev.cairn.host.plugins;

import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;

/**
 * A plugin's own class loader: the SPI, SLF4J, PF4J and JNA always come from the host (parent-first), so a plugin that
 * bundles its own copy still shares the host's types; everything else is plugin-first, so a plugin's libraries never
 * clash with the host's or another plugin's.
 */
final class CairnPluginClassLoader extends PluginClassLoader {
    // JNA too: its native dispatch library can be loaded by one class loader only, and the host has it (file-io).
    private static final String[] PARENT_FIRST = {"dev.cairn.spi.", "org.slf4j.", "org.pf4j.", "com.sun.jna."};

    CairnPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    @Override
    protected boolean shouldDelegateToParent(String className) {
        for (String prefix : PARENT_FIRST) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Resources of this plugin only, without the parent's; used to read the plugin's own service registrations.
     *
     * @param name resource name
     * @return the plugin's own copies of the resource
     * @throws IOException on I/O errors
     */
    Enumeration<URL> ownResources(String name) throws IOException {
        return findResources(name);
    }
}
