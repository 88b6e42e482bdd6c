package dev.cairn.fuse.builddir;

import java.util.TreeMap;

/** A directory: children by name, sorted so listings are deterministic. */
final class DirNode extends Node {
    final TreeMap<String, Node> children = new TreeMap<>();

    DirNode(long ino, int mode, long uid, long gid, long nowNanos) {
        super(ino, mode, uid, gid, nowNanos);
        links = 2;
    }

    @Override
    int typeBits() {
        return 0040000;
    }

    @Override
    long size() {
        return 4096;
    }
}
