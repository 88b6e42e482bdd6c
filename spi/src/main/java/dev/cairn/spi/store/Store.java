package dev.cairn.spi.store;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A content-addressable cache: each key maps to a small set of named blobs (for example {@code output},
 * {@code stdout}, {@code stderr}, {@code exit_code}, {@code metadata}).
 *
 * <p>Contract every implementation keeps (checked by the shared contract suite in {@code cairn-testkit}):
 * <ul>
 *   <li>An entry appears whole or not at all: after {@link #put(String, Map)} returns, every blob of the entry is
 *       visible; before, none is, and {@link #has(String)} is false.</li>
 *   <li>A missing entry or blob is not an error: {@link #get} returns empty.</li>
 *   <li>{@code put} of an existing key replaces the entry atomically. Concurrent puts of one key, through any
 *       {@link #namespace namespace view} of the same store, are written once; the others wait and return.</li>
 *   <li>Keys match {@link #KEY_PATTERN}, blob names {@link #NAME_PATTERN}, namespaces {@link #NAMESPACE_PATTERN};
 *       anything else is an {@link IllegalArgumentException}, so no key can name a path outside the store.</li>
 *   <li>Reads count as access for eviction (least recently used goes first).</li>
 * </ul>
 * Implementations are thread-safe.
 */
public interface Store extends AutoCloseable {
    /** Keys: letters, digits, {@code _} and {@code -}, 2 to 128 characters (hex digests, ccache and Gradle keys). */
    Pattern KEY_PATTERN = Pattern.compile("[0-9A-Za-z][0-9A-Za-z_-]{1,127}");
    /** Blob names within an entry. */
    Pattern NAME_PATTERN = Pattern.compile("[a-z][a-z0-9_]{0,31}");
    /** Namespace names. */
    Pattern NAMESPACE_PATTERN = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    /**
     * Opens a blob for reading.
     *
     * @param key the entry's key
     * @param name the blob's name within the entry
     * @return the blob, open (the caller closes it), or empty when the entry or the blob does not exist
     * @throws IOException when the store cannot be read; {@link StoreUnavailableException} when it is unreachable
     */
    Optional<Blob> get(String key, String name) throws IOException;

    /**
     * Reads a whole blob into memory; for small blobs only.
     *
     * @param key the entry's key
     * @param name the blob's name
     * @return the bytes, or empty when absent
     * @throws IOException when the store cannot be read
     */
    default Optional<byte[]> getBytes(String key, String name) throws IOException {
        Optional<Blob> blob = get(key, name);
        if (blob.isEmpty()) {
            return Optional.empty();
        }
        try (Blob b = blob.get()) {
            return Optional.of(b.stream().readAllBytes());
        }
    }

    /**
     * Writes an entry atomically, streaming each blob from its source (a 2 GiB blob never sits in memory).
     *
     * @param key the entry's key
     * @param blobs blob names to their contents; at least one
     * @throws StoreFullException when the store cannot make room for the entry
     * @throws BlobTooLargeException when a blob is larger than the store allows
     * @throws IOException when writing fails; nothing of the entry is then visible
     */
    void put(String key, Map<String, BlobSource> blobs) throws IOException;

    /**
     * Writes an entry of one blob.
     *
     * @param key the entry's key
     * @param name the blob's name
     * @param value the content
     * @throws IOException as {@link #put(String, Map)}
     */
    default void put(String key, String name, byte[] value) throws IOException {
        put(key, Map.of(name, BlobSource.of(value)));
    }

    /**
     * @param key the entry's key
     * @return whether the whole entry exists; does not count as an access
     * @throws IOException when the store cannot be read
     */
    boolean has(String key) throws IOException;

    /**
     * Removes an entry.
     *
     * @param key the entry's key
     * @return whether an entry was removed
     * @throws IOException when the store cannot be written
     */
    boolean delete(String key) throws IOException;

    /**
     * @return sizes and counts of this view (a namespace reports only itself)
     * @throws IOException when the store cannot be read
     */
    StoreStats stats() throws IOException;

    /**
     * Evicts whole entries, least recently used first, until the view holds at most {@code maxSize} bytes, and
     * removes every entry not accessed within {@code maxAge}.
     *
     * @param maxSize the size to shrink to, in bytes
     * @param maxAge entries older than this (by last access) are removed; {@code null} keeps all ages
     * @return what was removed
     * @throws IOException when the store cannot be written
     */
    CleanResult clean(long maxSize, Duration maxAge) throws IOException;

    /**
     * @return the local directory holding this view's data, or empty for remote stores
     */
    Optional<Path> dir();

    /**
     * A view of a separate namespace of the same store, with its own keys, its own budget (it does not inherit
     * this view's {@code maxSize}) and its own statistics.
     *
     * @param name matching {@link #NAMESPACE_PATTERN}
     * @return the namespace view; closing it does not close the store
     * @throws IllegalArgumentException when the name does not match the pattern
     */
    Store namespace(String name);

    /**
     * Changes the size budget while running (configuration reload).
     *
     * @param maxSize the new budget in bytes, 0 for unlimited
     * @return true when applied, false when this store's budget cannot change live
     */
    default boolean setMaxSize(long maxSize) {
        return false;
    }

    /**
     * @return a short description for logs and status, e.g. {@code disk:/var/cache}
     */
    String describe();

    /**
     * Releases the store's resources. Pending writes complete first.
     *
     * @throws IOException when flushing state fails
     */
    @Override
    void close() throws IOException;

    /**
     * Checks a key against {@link #KEY_PATTERN}.
     *
     * @param key the key
     * @return the key
     * @throws IllegalArgumentException when it does not match
     */
    static String checkKey(String key) {
        if (key == null || !KEY_PATTERN.matcher(key).matches()) {
            throw new IllegalArgumentException("invalid key '" + key + "': expected " + KEY_PATTERN.pattern());
        }
        return key;
    }

    /**
     * Checks a blob name against {@link #NAME_PATTERN}.
     *
     * @param name the blob name
     * @return the name
     * @throws IllegalArgumentException when it does not match
     */
    static String checkName(String name) {
        if (name == null || !NAME_PATTERN.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid blob name '" + name + "': expected " + NAME_PATTERN.pattern());
        }
        return name;
    }

    /**
     * Checks a namespace against {@link #NAMESPACE_PATTERN}.
     *
     * @param namespace the namespace
     * @return the namespace
     * @throws IllegalArgumentException when it does not match
     */
    static String checkNamespace(String namespace) {
        if (namespace == null || !NAMESPACE_PATTERN.matcher(namespace).matches()) {
            throw new IllegalArgumentException(
                    "invalid namespace '" + namespace + "': expected " + NAMESPACE_PATTERN.pattern());
        }
        return namespace;
    }
}
