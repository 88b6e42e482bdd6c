package dev.cairn.io;

import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.FileIoProcessorFactory;

import java.io.IOException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/** The {@code buffered} I/O mode: positional I/O through the page cache, any offset and length. */
public final class BufferedFileIoFactory implements FileIoProcessorFactory {
    /** Name in {@code io.mode}. */
    public static final String NAME = "buffered";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FileIoProcessor open(Path path, Set<? extends OpenOption> options) throws IOException {
        return NativeFileIoProcessor.open(path, options, false);
    }
}
