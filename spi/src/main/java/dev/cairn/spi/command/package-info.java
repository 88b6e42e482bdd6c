/** Commands that plugins add to the launcher. */
package dev.cairn.spi.command;
