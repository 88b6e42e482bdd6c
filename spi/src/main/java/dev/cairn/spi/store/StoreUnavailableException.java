package dev.cairn.spi.store;

import java.io.IOException;

/** The store's back end cannot be reached (a remote tier is down). Tiered stores skip such a tier. */
public class StoreUnavailableException extends IOException {
    /**
     * @param message which back end and why
     * @param cause the transport error
     */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
