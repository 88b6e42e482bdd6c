package dev.cairn.spi.dir;

import java.io.IOException;

/**
 * Opens a directory on demand. A lazy directory calls it for every operation, so it must be cheap and must reflect
 * what is mounted at the moment of the call.
 */
public interface DirectoryOpener {
    /**
     * @return a freshly opened directory; the caller closes it
     * @throws IOException when the directory cannot be opened
     */
    Directory open() throws IOException;
}
