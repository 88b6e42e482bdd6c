package dev.cairn.host.plugins;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code cairn plugins} shows about one plugin.
 *
 * @param id plugin id ({@code Plugin-Id}), or {@code classpath} for factories on the host's class path
 * @param version plugin version
 * @param state {@code STARTED}, {@code DISABLED} or {@code FAILED}
 * @param requires the SPI versions it accepts ({@code Plugin-Requires})
 * @param description {@code Plugin-Description}
 * @param path the jar, zip or folder; empty for the class path
 * @param extensions what it provides
 * @param error why it failed, when it did
 */
public record PluginInfo(String id, String version, String state, String requires, String description,
                         Optional<Path> path, List<ProvidedExtension> extensions, Optional<String> error) {
    /** Checks arguments. */
    public PluginInfo {
        Objects.requireNonNull(id, "id is null");
        extensions = List.copyOf(extensions);
    }
}
