package dev.cairn.spi.dir;

import dev.cairn.spi.NamedFactory;

/**
 * Creates {@link DirectoryOpener}s by configuration name, e.g. {@code path}.
 *
 * @param <C> the opener's configuration record
 */
public interface DirectoryOpenerFactory<C> extends NamedFactory<C, DirectoryOpener> {
}
