/** File I/O modes: buffered and direct. */
package dev.cairn.spi.io;
