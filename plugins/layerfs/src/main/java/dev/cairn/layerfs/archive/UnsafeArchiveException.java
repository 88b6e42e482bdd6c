package dev.cairn.layerfs.archive;

import java.io.IOException;

/** An archive entry would escape the layer root (absolute path, {@code ..}, a path through a symlink, a hard link to outside). */
public final class UnsafeArchiveException extends IOException {
    private final String entry;

    /**
     * @param entry the entry's name as written in the archive
     * @param reason why it is refused
     */
    public UnsafeArchiveException(String entry, String reason) {
        super("refusing archive entry '" + entry + "': " + reason);
        this.entry = entry;
    }

    /** @return the offending entry name */
    public String entry() {
        return entry;
    }
}
