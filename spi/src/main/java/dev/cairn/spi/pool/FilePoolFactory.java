package dev.cairn.spi.pool;

import dev.cairn.spi.NamedFactory;

/**
 * Creates {@link FilePool}s; selected by {@code pool.type}.
 *
 * @param <C> the pool's configuration record
 */
public interface FilePoolFactory<C> extends NamedFactory<C, FilePool> {
}
