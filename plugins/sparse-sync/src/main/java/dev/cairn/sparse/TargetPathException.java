package dev.cairn.sparse;

import java.io.IOException;

/** A target path that would leave the server's root (absolute, {@code ..}, a symbolic link) or is not a file. */
final class TargetPathException extends IOException {
    TargetPathException(String path, String reason) {
        super("target path '" + path + "' refused: " + reason);
    }
}
