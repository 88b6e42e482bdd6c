/**
 * The {@code buffered} and {@code direct} {@link dev.cairn.spi.io.FileIoProcessorFactory} modes, on native file
 * descriptors through JNA (pread/pwrite, fallocate, SEEK_DATA/SEEK_HOLE, FIEMAP, O_DIRECT).
 */
package dev.cairn.io;
