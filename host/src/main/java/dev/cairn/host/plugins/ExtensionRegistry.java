package dev.cairn.host.plugins;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.Named;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every factory and command the host can use, by extension point and name, with the plugin that provides each.
 * Built once at start-up by {@link ExtensionLoader}; immutable afterwards.
 */
public final class ExtensionRegistry {
    private final Map<Class<?>, Map<String, ProvidedExtension>> byType;
    private final List<PluginInfo> plugins;

    ExtensionRegistry(List<ProvidedExtension> extensions, List<PluginInfo> plugins) {
        Map<Class<?>, Map<String, ProvidedExtension>> map = new LinkedHashMap<>();
        for (ProvidedExtension e : extensions) {
            ProvidedExtension previous = map.computeIfAbsent(e.type(), t -> new LinkedHashMap<>()).putIfAbsent(e.name(), e);
            if (previous != null) {
                throw new PluginLoadException(ExtensionPoints.role(e.type()) + " name '" + e.name()
                        + "' is provided twice: by " + describe(previous.pluginId(), plugins) + " and by "
                        + describe(e.pluginId(), plugins) + "; remove one of them from the plugins folder");
            }
        }
        this.byType = map;
        this.plugins = List.copyOf(plugins);
    }

    /** @return the plugins, class path first, then by id */
    public List<PluginInfo> plugins() {
        return plugins;
    }

    /**
     * @param type an extension point
     * @param <F> its type
     * @return every implementation, by name
     */
    public <F extends Named> List<F> all(Class<F> type) {
        return byType.getOrDefault(type, Map.of()).values().stream()
                .sorted(Comparator.comparing(ProvidedExtension::name))
                .map(e -> type.cast(e.implementation())).toList();
    }

    /**
     * @param type an extension point
     * @param name a name
     * @return the registration, if any
     */
    public Optional<ProvidedExtension> lookup(Class<?> type, String name) {
        return Optional.ofNullable(byType.getOrDefault(type, Map.of()).get(name));
    }

    /**
     * @param type an extension point
     * @param name the configured name
     * @param key the config key it came from
     * @param <F> the type
     * @return the implementation
     * @throws ConfigurationException listing what is available and which plugin would provide the name
     */
    public <F extends Named> F find(Class<F> type, String name, String key) {
        if (name == null || name.isBlank()) {
            throw new ConfigurationException(key, "missing; " + available(type));
        }
        ProvidedExtension e = byType.getOrDefault(type, Map.of()).get(name);
        if (e != null) {
            return type.cast(e.implementation());
        }
        StringBuilder message = new StringBuilder("unknown " + ExtensionPoints.role(type) + " '" + name + "'; ")
                .append(available(type));
        KnownPlugins.providerOf(type, name).ifPresent(pluginId -> {
            Optional<PluginInfo> loaded = plugins.stream().filter(p -> p.id().equals(pluginId)).findFirst();
            if (loaded.isPresent() && loaded.get().error().isPresent()) {
                message.append(". '").append(name).append("' comes from plugin ").append(pluginId)
                        .append(", which failed to load: ").append(loaded.get().error().get());
            } else if (loaded.isPresent()) {
                message.append(". '").append(name).append("' comes from plugin ").append(pluginId)
                        .append(", which is ").append(loaded.get().state().toLowerCase(java.util.Locale.ROOT));
            } else {
                message.append(". '").append(name).append("' is provided by plugin ").append(pluginId)
                        .append(" (").append(KnownPlugins.jarOf(pluginId))
                        .append("), which is not in the plugins folder");
            }
        });
        throw new ConfigurationException(key, message.toString());
    }

    private String available(Class<?> type) {
        Map<String, ProvidedExtension> m = byType.getOrDefault(type, Map.of());
        if (m.isEmpty()) {
            return "no " + ExtensionPoints.role(type) + " is available from the loaded plugins";
        }
        return "available: " + m.values().stream().sorted(Comparator.comparing(ProvidedExtension::name))
                .map(e -> e.name() + " (" + (e.pluginId().equals(ExtensionLoader.CLASSPATH) ? "built in"
                        : "plugin " + e.pluginId()) + ")")
                .collect(Collectors.joining(", "));
    }

    private static String describe(String pluginId, List<PluginInfo> plugins) {
        for (PluginInfo p : plugins) {
            if (p.id().equals(pluginId)) {
                return p.path().map(path -> "plugin '" + pluginId + "' (" + path + ")").orElse("the host class path");
            }
        }
        return "plugin '" + pluginId + "'";
    }

    /** @return every registration, for listings */
    public List<ProvidedExtension> extensions() {
        List<ProvidedExtension> out = new ArrayList<>();
        byType.values().forEach(m -> out.addAll(m.values()));
        return out;
    }
}
