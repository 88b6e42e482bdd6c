package dev.cairn.fuse.builddir;

/** An inode of the build directory: its metadata. Guarded by the file system's tree lock except where noted. */
abstract class Node {
    final long ino;
    volatile int mode;
    volatile long uid;
    volatile long gid;
    volatile long mtimeNanos;
    volatile long atimeNanos;
    volatile long ctimeNanos;
    volatile int links;

    Node(long ino, int mode, long uid, long gid, long nowNanos) {
        this.ino = ino;
        this.mode = mode & 07777;
        this.uid = uid;
        this.gid = gid;
        this.mtimeNanos = nowNanos;
        this.atimeNanos = nowNanos;
        this.ctimeNanos = nowNanos;
        this.links = 1;
    }

    /** @return the {@code S_IF*} type bits */
    abstract int typeBits();

    /** @return the size {@code stat} reports */
    abstract long size();
}
