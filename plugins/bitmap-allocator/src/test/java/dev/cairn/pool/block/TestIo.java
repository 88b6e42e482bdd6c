package dev.cairn.pool.block;

import dev.cairn.spi.io.FileIoProcessorFactory;

/** Gives tests of other packages the FileChannel-backed {@link ChannelFileIo}. */
public final class TestIo {
    private TestIo() {
    }

    /** @return an unaligned (buffered-like) I/O mode over FileChannel */
    public static FileIoProcessorFactory buffered() {
        return new ChannelFileIo();
    }
}
