package dev.cairn.layerfs.archive;

import java.io.IOException;

/** A reader waited longer than the configured timeout for a file of a layer still arriving. */
public final class LayerTimeoutException extends IOException {
    /** @param message what was awaited */
    public LayerTimeoutException(String message) {
        super(message);
    }
}
