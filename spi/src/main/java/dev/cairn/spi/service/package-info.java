/** Long-running services that plugins add to {@code cairn serve}. */
package dev.cairn.spi.service;
