/** Directory handles that cannot escape their root, and the openers lazy directories use. */
package dev.cairn.spi.dir;
