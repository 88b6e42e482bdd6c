/** Where uploads wait, outside the store, until they are complete and verified. */
package dev.cairn.server.staging;
