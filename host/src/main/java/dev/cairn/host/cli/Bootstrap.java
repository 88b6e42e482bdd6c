package dev.cairn.host.cli;

import dev.cairn.host.config.ConfigBinder;
import dev.cairn.host.config.ConfigLoader;
import dev.cairn.host.config.ConfigSource;
import dev.cairn.host.config.LoadedConfig;
import dev.cairn.host.lifecycle.Host;
import dev.cairn.host.plugins.ExtensionLoader;
import dev.cairn.host.plugins.LoadedExtensions;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns a {@code --config} option into a running {@link Host}: pick the file, load and validate it, set the log
 * level, load the plugins.
 */
public final class Bootstrap {
    private final Path home;
    private final Function<String, String> environment;
    private final ClassLoader hostLoader;

    /**
     * @param home the distribution home
     * @param environment environment lookup ({@code CAIRN_CONFIG}, {@code ${NAME}} substitution)
     * @param hostLoader where class-path extensions are found
     */
    public Bootstrap(Path home, Function<String, String> environment, ClassLoader hostLoader) {
        this.home = Objects.requireNonNull(home, "home is null").toAbsolutePath().normalize();
        this.environment = Objects.requireNonNull(environment, "environment is null");
        this.hostLoader = Objects.requireNonNull(hostLoader, "hostLoader is null");
    }

    /** @return the distribution home */
    public Path home() {
        return home;
    }

    /**
     * @param configOption the {@code --config} value or null
     * @return where the config comes from
     */
    public ConfigSource source(String configOption) {
        return ConfigSource.choose(configOption, environment.apply("CAIRN_CONFIG"), home);
    }

    /**
     * @param configOption the {@code --config} value or null
     * @return the loaded config
     */
    public LoadedConfig loadConfig(String configOption) {
        LoadedConfig loaded = new ConfigLoader(new ConfigBinder(), environment).load(source(configOption));
        LogLevels.apply(loaded.config().log().level());
        return loaded;
    }

    /**
     * @param loaded a loaded config
     * @return a host with its plugins loaded; closing the returned session unloads them
     */
    public Session open(LoadedConfig loaded) {
        Path pluginsDir = home.resolve(loaded.config().plugins().dir()).normalize();
        LoadedExtensions extensions = new ExtensionLoader(hostLoader).load(pluginsDir, loaded.config().plugins().disabled());
        Host host = new Host(home, loaded, extensions.registry(), new ConfigBinder(), Clock.systemUTC());
        return new Session(host, extensions);
    }

    /**
     * @param configOption the {@code --config} value or null
     * @return a host with its plugins loaded
     */
    public Session open(String configOption) {
        return open(loadConfig(configOption));
    }

    /**
     * A host and its plugins; closing closes both.
     *
     * @param host the host
     * @param extensions the loaded plugins
     */
    public record Session(Host host, LoadedExtensions extensions) implements AutoCloseable {
        @Override
        public void close() {
            try {
                host.close();
            } finally {
                extensions.close();
            }
        }
    }
}
