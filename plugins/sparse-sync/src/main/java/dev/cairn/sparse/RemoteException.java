package dev.cairn.sparse;

import java.io.IOException;

/** The sync server answered with an error status. */
final class RemoteException extends IOException {
    private final int status;

    RemoteException(int status, String operation, String body) {
        super(operation + " failed: HTTP " + status + ": " + body.strip());
        this.status = status;
    }

    int status() {
        return status;
    }

    /** @return whether retrying may help: 5xx and 429 only */
    boolean retryable() {
        return status >= 500 || status == 429;
    }
}
