package dev.cairn.spi.alloc;

import java.io.IOException;

/** The allocator has no free sector left. */
public class NoFreeSectorsException extends IOException {
    /** @param message which allocator, and its size */
    public NoFreeSectorsException(String message) {
        super(message);
    }
}
