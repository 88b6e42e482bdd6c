package dev.cairn.spi.service;

import dev.cairn.spi.NamedFactory;

/**
 * Creates {@link Service}s; selected by {@code services[].type}.
 *
 * @param <C> the service's configuration record
 */
public interface ServiceFactory<C> extends NamedFactory<C, Service> {
}
