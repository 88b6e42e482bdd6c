package dev.cairn.host.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * A configuration as read: the bound host sections, the substituted tree (for {@code config show} and the status
 * directory), and its source.
 *
 * @param config the bound config
 * @param tree the tree after {@code ${ENV}} substitution
 * @param source where it came from
 */
public record LoadedConfig(CairnConfig config, JsonNode tree, ConfigSource source) {
    /** Checks arguments. */
    public LoadedConfig {
        Objects.requireNonNull(config, "config is null");
        Objects.requireNonNull(tree, "tree is null");
        Objects.requireNonNull(source, "source is null");
    }
}
