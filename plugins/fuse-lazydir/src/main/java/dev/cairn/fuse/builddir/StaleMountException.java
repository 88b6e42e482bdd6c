package dev.cairn.fuse.builddir;

import java.io.IOException;

/** A mount point is busy or broken in a way the mount command cannot repair by itself. */
final class StaleMountException extends IOException {
    StaleMountException(String message) {
        super(message);
    }
}
