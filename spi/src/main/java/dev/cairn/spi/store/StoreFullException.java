package dev.cairn.spi.store;

import java.io.IOException;

/** The store cannot make room for an entry (HTTP 507). Nothing of the entry was stored. */
public class StoreFullException extends IOException {
    /** @param message what did not fit, and the budget */
    public StoreFullException(String message) {
        super(message);
    }
}
