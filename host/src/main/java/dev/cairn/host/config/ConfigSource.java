package dev.cairn.host.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the configuration came from.
 *
 * @param file the file read, or empty for the embedded default
 * @param description what to print, e.g. {@code /etc/cairn/cairn.yaml} or {@code embedded default}
 */
public record ConfigSource(Optional<Path> file, String description) {
    /** Name of the embedded default configuration resource. */
    public static final String EMBEDDED = "/dev/cairn/host/config/default-cairn.yaml";

    /** @return the embedded default */
    public static ConfigSource embedded() {
        return new ConfigSource(Optional.empty(), "embedded default configuration");
    }

    /**
     * @param file a config file
     * @return a source for it
     */
    public static ConfigSource of(Path file) {
        return new ConfigSource(Optional.of(file), file.toString());
    }

    /**
     * Picks the configuration as every command does: {@code --config}, else {@code $CAIRN_CONFIG}, else
     * {@code conf/cairn.yaml} of the distribution when it exists, else the embedded default.
     *
     * @param option the {@code --config} value, or null
     * @param env the value of {@code CAIRN_CONFIG}, or null
     * @param home the distribution home
     * @return the source
     */
    public static ConfigSource choose(String option, String env, Path home) {
        if (option != null && !option.isBlank()) {
            return of(Path.of(option).toAbsolutePath());
        }
        if (env != null && !env.isBlank()) {
            return of(Path.of(env).toAbsolutePath());
        }
        Path dist = home.resolve("conf").resolve("cairn.yaml");
        if (java.nio.file.Files.isRegularFile(dist)) {
            return of(dist);
        }
        return embedded();
    }
}
