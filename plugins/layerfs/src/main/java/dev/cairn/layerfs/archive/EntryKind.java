package dev.cairn.layerfs.archive;

/** What a layer entry is. Whiteouts and opaque markers are OCI conventions, kept as kinds of their own. */
public enum EntryKind {
    FILE, DIR, SYMLINK, HARDLINK, CHAR_DEVICE, BLOCK_DEVICE, FIFO,
    /** {@code .wh.<name>}: hides {@code name} of lower layers; the entry's path is the hidden path. */
    WHITEOUT,
    /** {@code .wh..wh..opq}: the entry's path is a directory whose lower contents are hidden. */
    OPAQUE
}
