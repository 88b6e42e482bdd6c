package dev.cairn.spi.store;

import java.io.IOException;

/** A blob is larger than the store or its configured maximum blob size (HTTP 413). Nothing was stored. */
public class BlobTooLargeException extends IOException {
    /** @param message the blob's size and the limit */
    public BlobTooLargeException(String message) {
        super(message);
    }
}
