package dev.cairn.spi.store;

import dev.cairn.spi.NamedFactory;

/**
 * Creates {@link Store}s; selected by {@code cache.stores[].type}.
 *
 * @param <C> the store's configuration record
 */
public interface StoreFactory<C> extends NamedFactory<C, Store> {
}
