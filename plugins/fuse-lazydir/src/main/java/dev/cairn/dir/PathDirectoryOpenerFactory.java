package dev.cairn.dir;

import dev.cairn.spi.HostContext;
import dev.cairn.spi.dir.DirectoryOpener;
import dev.cairn.spi.dir.DirectoryOpenerFactory;

import java.nio.file.Path;

/** The {@code path} opener: opens a fixed directory afresh ({@link LocalDirectory#open}) on every call. */
public final class PathDirectoryOpenerFactory implements DirectoryOpenerFactory<PathOpenerConfig> {
    @Override
    public String name() {
        return "path";
    }

    @Override
    public Class<PathOpenerConfig> configType() {
        return PathOpenerConfig.class;
    }

    @Override
    public DirectoryOpener create(PathOpenerConfig config, HostContext context) {
        Path path = context.resolve(config.path());
        return () -> LocalDirectory.open(path);
    }
}
