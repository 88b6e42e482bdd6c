package dev.cairn.pool.quota;

import java.io.IOException;

/** A write or truncate would take a pool user past its quota; nothing was written. */
public final class QuotaExceededException extends IOException {
    /** @param message what was refused, the quota and how much is in use */
    public QuotaExceededException(String message) {
        super(message);
    }
}
