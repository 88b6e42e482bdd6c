package dev.cairn.sparse;

import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.Interval;

import java.io.IOException;

/**
 * Fold and prune of snapshot files (DESIGN §6). Fold copies the child's data extents onto the parent, leaving the
 * parent as it is under the child's holes; prune punches holes in the parent wherever the child has data.
 */
final class Folding {
    private static final int CHUNK = 1 << 20;

    private Folding() {
    }

    /**
     * @param child the newer layer
     * @param parent the older layer, written in place; grown to the child's size when shorter
     * @param progress counts the child's bytes scanned and the bytes copied
     * @return bytes copied
     */
    static long fold(FileIoProcessor child, FileIoProcessor parent, Progress progress) throws IOException {
        long size = child.size();
        if (parent.size() < size) {
            parent.truncate(size);
        }
        long copied = 0;
        for (Interval i : child.dataLayout()) {
            if (i.kind() == Interval.Kind.HOLE) {
                progress.scanned(i.length());
                continue;
            }
            long pos = i.offset();
            while (pos < i.end()) {
                int n = (int) Math.min(CHUNK, i.end() - pos);
                RangeIo.write(parent, pos, RangeIo.read(child, pos, n));
                pos += n;
                copied += n;
                progress.sent(n);
                progress.scanned(n);
            }
        }
        parent.sync();
        return copied;
    }

    /**
     * @param parent the older layer, holes punched in place
     * @param child the newer layer whose data ranges are removed from the parent
     * @param progress counts the child's bytes scanned and the bytes punched
     * @return bytes punched (within the parent's size)
     */
    static long prune(FileIoProcessor parent, FileIoProcessor child, Progress progress) throws IOException {
        long parentSize = parent.size();
        long punched = 0;
        for (Interval i : child.dataLayout()) {
            if (i.kind() == Interval.Kind.DATA && i.offset() < parentSize) {
                long len = Math.min(i.end(), parentSize) - i.offset();
                parent.punchHole(i.offset(), len);
                punched += len;
                progress.sent(len);
            }
            progress.scanned(i.length());
        }
        parent.sync();
        return punched;
    }
}
