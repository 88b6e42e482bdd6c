package dev.cairn.spi.io;

import dev.cairn.spi.Named;

import java.io.IOException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/** Opens files in one I/O mode; selected by {@code io.mode} ({@code buffered} or {@code direct}). */
public interface FileIoProcessorFactory extends Named {
    /**
     * @param path the file
     * @param options {@link java.nio.file.StandardOpenOption}s
     * @return the open processor
     * @throws IOException when the file cannot be opened in this mode (for example O_DIRECT is not supported)
     */
    FileIoProcessor open(Path path, Set<? extends OpenOption> options) throws IOException;
}
