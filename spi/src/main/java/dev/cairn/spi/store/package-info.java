/** The content-addressable cache extension point: {@link dev.cairn.spi.store.Store} and its factory. */
package dev.cairn.spi.store;
