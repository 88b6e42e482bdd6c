/** Request paths to store namespaces and keys, refusing anything that could escape the store. */
package dev.cairn.server.route;
