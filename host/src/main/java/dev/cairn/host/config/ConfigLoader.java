package dev.cairn.host.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.cairn.spi.ConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads the config file: YAML, then {@code ${ENV}} substitution, then strict binding of the host's sections.
 */
public final class ConfigLoader {
    private final ConfigBinder binder;
    private final EnvSubstitution substitution;

    /**
     * @param binder the binder
     * @param environment variable lookup for {@code ${NAME}}
     */
    public ConfigLoader(ConfigBinder binder, Function<String, String> environment) {
        this.binder = Objects.requireNonNull(binder, "binder is null");
        this.substitution = new EnvSubstitution(environment);
    }

    /**
     * @param source where to read
     * @return the loaded config
     * @throws ConfigurationException when the file is missing, not YAML, or invalid
     */
    public LoadedConfig load(ConfigSource source) {
        String text;
        try {
            if (source.file().isPresent()) {
                text = Files.readString(source.file().get());
            } else {
                try (InputStream in = ConfigLoader.class.getResourceAsStream(ConfigSource.EMBEDDED)) {
                    text = new String(Objects.requireNonNull(in, "embedded config missing").readAllBytes(),
                            java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        } catch (NoSuchFileException e) {
            throw new ConfigurationException("config", "file " + source.description() + " does not exist");
        } catch (IOException e) {
            throw new ConfigurationException("config", "cannot read " + source.description() + ": " + e, e);
        }
        return parse(text, source);
    }

    /**
     * @param text YAML
     * @param source where it came from, for messages
     * @return the loaded config
     */
    public LoadedConfig parse(String text, ConfigSource source) {
        JsonNode tree;
        try {
            tree = binder.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigurationException("config", source.description() + " is not valid YAML" + where + ": "
                    + e.getOriginalMessage(), e);
        }
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            tree = JsonNodeFactory.instance.objectNode();
        }
        if (!tree.isObject()) {
            throw new ConfigurationException("config", source.description() + " must be a mapping of keys");
        }
        substitution.apply(tree, "");
        CairnConfig config = binder.bind(tree, CairnConfig.class, "");
        return new LoadedConfig(config, tree, source);
    }
}
