package dev.cairn.pool.temp;

import dev.cairn.pool.quota.QuotaFilePool;
import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.HostContext;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.FilePoolFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code temp} file pool, for machines without a spare device: each file is a sparse temporary file in a
 * directory, deleted when closed. See {@link TempFilePoolConfig}.
 */
public final class TempFilePoolFactory implements FilePoolFactory<TempFilePoolConfig> {
    /** The name configuration uses ({@code pool.type: temp}). */
    public static final String NAME = "temp";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Class<TempFilePoolConfig> configType() {
        return TempFilePoolConfig.class;
    }

    @Override
    public FilePool create(TempFilePoolConfig config, HostContext context) throws IOException {
        Path dir = context.resolve(config.dir());
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigurationException("dir", dir + " exists and is not a directory");
        }
        Files.createDirectories(dir);
        FilePool pool = new TempFilePool(dir);
        return config.quota() == null ? pool : new QuotaFilePool(pool, config.quota().bytes());
    }
}
