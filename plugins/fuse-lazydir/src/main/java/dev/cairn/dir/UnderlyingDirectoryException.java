package dev.cairn.dir;

import java.io.IOException;

/**
 * An internal error: the directory a {@link LazyDirectory} stands for could not be opened at all (for example its
 * mount point is gone or stale). Deliberately not a {@link java.nio.file.NoSuchFileException}, so callers never
 * mistake a missing mount for a missing file inside it.
 */
public final class UnderlyingDirectoryException extends IOException {
    /**
     * @param cause why the opener failed
     */
    public UnderlyingDirectoryException(Throwable cause) {
        super("internal error: failed to open underlying directory: " + cause.getMessage(), cause);
    }
}
