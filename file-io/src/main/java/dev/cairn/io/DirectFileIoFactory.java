package dev.cairn.io;

import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.FileIoProcessorFactory;

import java.io.IOException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code direct} I/O mode: O_DIRECT, bypassing the page cache. Offsets, lengths and buffers must be multiples of
 * 4096 bytes (buffers from {@link FileIoProcessor#allocate(int)} are); anything else is an
 * {@link IllegalArgumentException}. Opening fails with an {@link IOException} on file systems that refuse O_DIRECT
 * (tmpfs, for one), never silently falling back to buffered I/O.
 */
public final class DirectFileIoFactory implements FileIoProcessorFactory {
    /** Name in {@code io.mode}. */
    public static final String NAME = "direct";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FileIoProcessor open(Path path, Set<? extends OpenOption> options) throws IOException {
        return NativeFileIoProcessor.open(path, options, true);
    }
}
