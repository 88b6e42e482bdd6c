/**
 * The {@code disk} store: a crash-safe, LRU-evicting content-addressable cache on a local file system.
 *
 * <p>Layout under the configured {@code dir}:
 * <pre>
 *   .cairn-disk-store        marker: the directory belongs to this store (a non-empty directory without it is refused)
 *   .lock                    held with an exclusive file lock while a process has the store open
 *   tmp/                     entries being written, under unique names; emptied at start-up
 *   main/&lt;k0k1&gt;/&lt;key&gt;        entries of the root view ({@code dir()}), sharded by the key's first two characters
 *   ns/&lt;namespace&gt;/&lt;k0k1&gt;/&lt;key&gt;   entries of each namespace, in its own top-level folder
 * </pre>
 * Each entry, whatever its number of blobs, is one file ({@link dev.cairn.cache.disk.EntryFormat}): written in
 * {@code tmp/}, fsynced, renamed into place atomically, so an entry appears whole or not at all. Its modification time
 * is its last access time, which is how least-recently-used order survives a restart.
 */
package dev.cairn.cache.disk;
