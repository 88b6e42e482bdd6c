/** Sector allocation for block-device-backed file pools. */
package dev.cairn.spi.alloc;
