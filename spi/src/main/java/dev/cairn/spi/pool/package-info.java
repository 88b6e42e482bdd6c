/** Temporary file pools. */
package dev.cairn.spi.pool;
