package dev.cairn.host.plugins;

import dev.cairn.spi.Named;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds every extension: {@link ServiceLoader} providers on the host's class path (provider {@value #CLASSPATH}), then
 * each PF4J plugin in the plugins folder, one class loader per plugin. A corrupt jar, a plugin for another SPI major
 * version, a duplicate plugin id or factory name stop start-up with a {@link PluginLoadException}; a plugin whose
 * factories cannot be instantiated is only marked {@code FAILED}, so a plugin the config does not use never stops
 * the host.
 */
public final class ExtensionLoader {
    /** The pseudo plugin id of extensions found on the host's own class path. */
    public static final String CLASSPATH = "classpath";
    private static final Logger log = LoggerFactory.getLogger(ExtensionLoader.class);
    private static final String SERVICES = "META-INF/services/";

    private final ClassLoader hostLoader;

    /** @param hostLoader where class-path providers are found (the host's own loader, or a test's) */
    public ExtensionLoader(ClassLoader hostLoader) {
        this.hostLoader = java.util.Objects.requireNonNull(hostLoader, "hostLoader is null");
    }

    /**
     * @param pluginsDir the plugins folder; a missing folder means no plugins
     * @param disabled plugin ids not to load
     * @return the registry
     * @throws PluginLoadException on a start-up error
     */
    public LoadedExtensions load(Path pluginsDir, Collection<String> disabled) {
        List<ProvidedExtension> extensions = new ArrayList<>();
        List<PluginInfo> infos = new ArrayList<>();
        List<ProvidedExtension> fromClassPath = loadClassPath();
        extensions.addAll(fromClassPath);
        infos.add(new PluginInfo(CLASSPATH, dev.cairn.spi.SpiVersion.CURRENT, "STARTED", "*",
                "factories on the host class path", Optional.empty(), fromClassPath, Optional.empty()));

        CairnPluginManager manager = null;
        if (Files.isDirectory(pluginsDir)) {
            manager = new CairnPluginManager(pluginsDir);
            Set<String> ids = new java.util.HashSet<>();
            java.util.Map<String, Path> firstPathOfId = new java.util.HashMap<>();
            for (Path path : candidates(pluginsDir)) {
                PluginArchive archive = PluginArchive.read(path);
                if (!ids.add(archive.id())) {
                    throw new PluginLoadException("plugin id '" + archive.id() + "' is provided twice: by "
                            + firstPathOfId.get(archive.id()) + " and by " + path + "; remove one of them");
                }
                firstPathOfId.put(archive.id(), path);
                if (disabled.contains(archive.id())) {
                    infos.add(new PluginInfo(archive.id(), archive.version(), "DISABLED", archive.requires(),
                            archive.description(), Optional.of(path), List.of(), Optional.empty()));
                    continue;
                }
                infos.add(loadPlugin(manager, archive, extensions));
            }
        } else {
            log.debug("plugins folder {} does not exist; only class-path extensions are available", pluginsDir);
        }
        return new LoadedExtensions(new ExtensionRegistry(extensions, infos), manager);
    }

    private static List<Path> candidates(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(PluginArchive::isCandidate).sorted().toList();
        } catch (IOException e) {
            throw new PluginLoadException("cannot list plugins folder " + dir + ": " + e, e);
        }
    }

    private PluginInfo loadPlugin(CairnPluginManager manager, PluginArchive archive, List<ProvidedExtension> out) {
        String id;
        try {
            id = manager.loadPlugin(archive.path());
        } catch (PluginRuntimeException | IllegalArgumentException e) {
            throw new PluginLoadException("plugin '" + archive.id() + "' (" + archive.path() + ") cannot be loaded: "
                    + e.getMessage(), e);
        }
        PluginWrapper wrapper = manager.getPlugin(id);
        if (wrapper == null || wrapper.getPluginState() != PluginState.RESOLVED) {
            String state = wrapper == null ? "not loaded" : wrapper.getPluginState().toString();
            Throwable failed = wrapper == null ? null : wrapper.getFailedException();
            throw new PluginLoadException("plugin '" + archive.id() + "' (" + archive.path() + ") is " + state
                    + (failed == null ? "" : ": " + failed.getMessage())
                    + (wrapper != null && !wrapper.getDescriptor().getDependencies().isEmpty()
                    ? "; it depends on " + wrapper.getDescriptor().getDependencies() : ""), failed);
        }
        PluginState started = manager.startPlugin(id);
        ClassLoader loader = wrapper.getPluginClassLoader();
        List<ProvidedExtension> provided = new ArrayList<>();
        try {
            for (Class<? extends Named> type : ExtensionPoints.ALL) {
                provided.addAll(instantiate(type, ownServiceNames((CairnPluginClassLoader) loader, type), loader, id));
            }
        } catch (ProviderException e) {
            log.warn("plugin '{}' ({}) failed: {}", id, archive.path(), e.getMessage());
            return new PluginInfo(id, archive.version(), "FAILED", archive.requires(), archive.description(),
                    Optional.of(archive.path()), List.of(), Optional.of(e.getMessage()));
        }
        out.addAll(provided);
        return new PluginInfo(id, archive.version(), started.toString(), archive.requires(), archive.description(),
                Optional.of(archive.path()), provided, Optional.empty());
    }

    private List<ProvidedExtension> loadClassPath() {
        List<ProvidedExtension> out = new ArrayList<>();
        for (Class<? extends Named> type : ExtensionPoints.ALL) {
            ServiceLoader<? extends Named> loader = ServiceLoader.load(type, hostLoader);
            for (var it = loader.stream().iterator(); it.hasNext(); ) {
                try {
                    Named n = it.next().get();
                    out.add(new ProvidedExtension(type, n.name(), n, CLASSPATH));
                } catch (ServiceConfigurationError e) {
                    throw new PluginLoadException("a " + ExtensionPoints.role(type) + " on the host class path cannot"
                            + " be created: " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    /** The class names a plugin itself registers for {@code type}, not those inherited from the host. */
    private static List<String> ownServiceNames(CairnPluginClassLoader loader, Class<?> type) {
        Set<String> names = new LinkedHashSet<>();
        try {
            Enumeration<URL> urls = loader.ownResources(SERVICES + type.getName());
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                try (InputStream in = url.openStream();
                     BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        int hash = line.indexOf('#');
                        String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
                        if (!name.isEmpty()) {
                            names.add(name);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new ProviderException("cannot read " + SERVICES + type.getName() + ": " + e);
        }
        return List.copyOf(names);
    }

    private static <F extends Named> List<ProvidedExtension> instantiate(Class<F> type, List<String> classNames,
                                                                         ClassLoader loader, String pluginId) {
        List<ProvidedExtension> out = new ArrayList<>();
        for (String className : classNames) {
            Class<?> c;
            try {
                c = Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ProviderException(type.getSimpleName() + " " + className + " cannot be loaded: " + e);
            }
            if (!type.isAssignableFrom(c)) {
                throw new ProviderException(className + " is registered as " + type.getName()
                        + " but does not implement this host's " + type.getSimpleName());
            }
            F instance;
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                Constructor<?> constructor = c.getDeclaredConstructor();
                constructor.setAccessible(true);
                instance = type.cast(constructor.newInstance());
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
                throw new ProviderException(className + " cannot be created: " + cause);
            } finally {
                thread.setContextClassLoader(previous);
            }
            F wrapped = ContextClassLoaderProxy.wrap(type, instance, loader);
            out.add(new ProvidedExtension(type, wrapped.name(), wrapped, pluginId));
        }
        return out;
    }

    /** A provider of a plugin cannot be created; marks the plugin FAILED rather than stopping the host. */
    private static final class ProviderException extends RuntimeException {
        ProviderException(String message) {
            super(message);
        }
    }
}
