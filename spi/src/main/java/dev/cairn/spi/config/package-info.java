/** Value types for configuration records. */
package dev.cairn.spi.config;
