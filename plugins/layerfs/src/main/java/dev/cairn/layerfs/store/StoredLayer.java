package dev.cairn.layerfs.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A layer in the store.
 *
 * @param digest {@code sha256:<hex>} of the layer blob as received
 * @param dir the layer's directory ({@code rootfs/}, {@code index}, {@code complete}, {@code refs})
 * @param complete whether extraction finished and the digest was checked
 * @param refs how many images reference it
 */
public record StoredLayer(String digest, Path dir, boolean complete, int refs) {
    /** Validates. */
    public StoredLayer {
        Objects.requireNonNull(digest, "digest is null");
        Objects.requireNonNull(dir, "dir is null");
    }

    /** @return the extracted files */
    public Path rootfs() {
        return dir.resolve("rootfs");
    }
}
