package dev.cairn.layerfs.store;

import java.util.List;
import java.util.Objects;

/**
 * An image in the store: a name and its layers.
 *
 * @param name the reference it was imported as (e.g. {@code app:1.0})
 * @param layers layer digests, bottom first
 */
public record ImageRecord(String name, List<String> layers) {
    /** Validates and copies. */
    public ImageRecord {
        Objects.requireNonNull(name, "name is null");
        layers = List.copyOf(layers);
        if (name.isBlank()) {
            throw new IllegalArgumentException("image name is blank");
        }
    }
}
