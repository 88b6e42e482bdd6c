package dev.cairn.host.lifecycle;

/** A configured component could not be started (a store's folder is not writable, a port is taken). Exit code 1. */
public final class HostStartupException extends RuntimeException {
    /**
     * @param message what could not start and why
     * @param cause the underlying error
     */
    public HostStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
