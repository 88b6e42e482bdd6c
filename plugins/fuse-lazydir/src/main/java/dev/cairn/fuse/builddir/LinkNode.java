package dev.cairn.fuse.builddir;

/** A symbolic link; its target is stored as given and never resolved by the file system. */
final class LinkNode extends Node {
    final String target;

    LinkNode(long ino, String target, long uid, long gid, long nowNanos) {
        super(ino, 0777, uid, gid, nowNanos);
        this.target = target;
    }

    @Override
    int typeBits() {
        return 0120000;
    }

    @Override
    long size() {
        return target.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
