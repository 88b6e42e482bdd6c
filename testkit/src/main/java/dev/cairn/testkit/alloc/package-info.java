/** The contract every {@link dev.cairn.spi.alloc.SectorAllocator} passes: extend {@link dev.cairn.testkit.alloc.SectorAllocatorContract}. */
package dev.cairn.testkit.alloc;
