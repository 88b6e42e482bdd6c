package dev.cairn.io;

import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** Maps {@link StandardOpenOption}s (and {@link LinkOption#NOFOLLOW_LINKS}) to open(2) flags. */
final class OpenFlags {
    private OpenFlags() {
    }

    /**
     * @param options the caller's options; neither READ nor WRITE means READ, as in {@code FileChannel.open}
     * @param direct whether to add O_DIRECT
     * @return the flags
     * @throws UnsupportedOperationException for APPEND and DELETE_ON_CLOSE, which positional I/O does not need
     */
    static int of(Set<? extends OpenOption> options, boolean direct) {
        boolean read = options.contains(StandardOpenOption.READ);
        boolean write = options.contains(StandardOpenOption.WRITE);
        int flags = LibC.O_CLOEXEC;
        if (write) {
            flags |= read ? LibC.O_RDWR : LibC.O_WRONLY;
        } else {
            flags |= LibC.O_RDONLY;
        }
        for (OpenOption option : options) {
            if (option == StandardOpenOption.CREATE_NEW) {
                flags |= LibC.O_CREAT | LibC.O_EXCL;
            } else if (option == StandardOpenOption.CREATE) {
                flags |= LibC.O_CREAT;
            } else if (option == StandardOpenOption.TRUNCATE_EXISTING) {
                if (write) {
                    flags |= LibC.O_TRUNC;
                }
            } else if (option == StandardOpenOption.DSYNC) {
                flags |= LibC.O_DSYNC;
            } else if (option == StandardOpenOption.SYNC) {
                flags |= LibC.O_SYNC;
            } else if (option == LinkOption.NOFOLLOW_LINKS) {
                flags |= LibC.O_NOFOLLOW;
            } else if (option == StandardOpenOption.APPEND || option == StandardOpenOption.DELETE_ON_CLOSE) {
                throw new UnsupportedOperationException(option + " is not supported by positional file I/O");
            } else if (option != StandardOpenOption.READ && option != StandardOpenOption.WRITE
                    && option != StandardOpenOption.SPARSE) {
                throw new UnsupportedOperationException("unsupported open option " + option);
            }
        }
        if ((flags & LibC.O_CREAT) != 0 && !write) {
            // FileChannel.open ignores CREATE without WRITE; do the same rather than create a file nobody can write.
            flags &= ~(LibC.O_CREAT | LibC.O_EXCL);
        }
        if (direct) {
            flags |= LibC.O_DIRECT;
        }
        return flags;
    }
}
