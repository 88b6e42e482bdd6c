/**
 * Cairn's service provider interface. A plugin implements one or more factories ({@link dev.cairn.spi.store.StoreFactory},
 * {@link dev.cairn.spi.alloc.SectorAllocatorFactory}, {@link dev.cairn.spi.pool.FilePoolFactory},
 * {@link dev.cairn.spi.dir.DirectoryOpenerFactory}, {@link dev.cairn.spi.io.FileIoProcessorFactory},
 * {@link dev.cairn.spi.service.ServiceFactory}, {@link dev.cairn.spi.command.PluginCommand}) and lists them in
 * {@code META-INF/services}. This package depends on the JDK only.
 */
package dev.cairn.spi;
