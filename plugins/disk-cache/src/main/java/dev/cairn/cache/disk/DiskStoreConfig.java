package dev.cairn.cache.disk;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.store.Store;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Configuration of the {@code disk} store ({@code cache.stores: [{type: disk, ...}]}).
 *
 * <pre>
 * cache:
 *   stores:
 *     - type: disk
 *       dir: cache              # relative to the distribution's home; required
 *       maxSize: 10GiB          # budget of the root view; 0 = unlimited
 *       maxAge: 30d             # entries not read for this long are removed; absent = no age limit
 *       maxBlobSize: 2GiB       # larger blobs are refused (HTTP 413); absent = only maxSize limits
 *       namespaceMaxSize: 10GiB # budget of each namespace, accounted separately; default: maxSize
 *       namespaces:             # budgets of particular namespaces, overriding namespaceMaxSize
 *         cas: 8GiB
 *       fsync: true             # fsync entries before they become visible; false only for throw-away caches
 *       memoryCache: 64MiB      # heap kept for the files of hot entries of up to 64 KiB; 0 = none
 * </pre>
 *
 * @param dir the store's directory (required)
 * @param maxSize budget of the root view; default 10GiB, 0 for unlimited
 * @param maxAge remove entries not accessed within this; null for no age limit
 * @param maxBlobSize largest blob accepted; default 0 (only the budget limits)
 * @param namespaceMaxSize budget of each namespace that {@code namespaces} does not list; default {@code maxSize}.
 *                         Namespaces do not share the root view's budget: disk use is bounded by the sum of budgets
 * @param namespaces budgets of named namespaces; default none
 * @param fsync whether to fsync entries and directories before an entry becomes visible; default true
 * @param memoryCache heap for the whole files of recently read entries of up to 64 KiB, shared by all views, so
 *                    hot small entries are served without opening their file; default 64MiB, 0 for none
 */
public record DiskStoreConfig(String dir, DataSize maxSize, Duration maxAge, DataSize maxBlobSize,
                              DataSize namespaceMaxSize, Map<String, DataSize> namespaces, Boolean fsync,
                              DataSize memoryCache) {
    /** Default budget of the root view. */
    public static final DataSize DEFAULT_MAX_SIZE = DataSize.parse("10GiB");
    /** Default heap for small entries. */
    public static final DataSize DEFAULT_MEMORY_CACHE = DataSize.parse("64MiB");

    /** Applies defaults and validates; errors name the key. */
    public DiskStoreConfig {
        if (dir == null || dir.isBlank()) {
            throw new ConfigurationException("dir", "required: the directory that holds the cache, e.g. 'dir: cache'");
        }
        if (dir.indexOf('\0') >= 0) {
            throw new ConfigurationException("dir", "must not contain a NUL character");
        }
        maxSize = maxSize == null ? DEFAULT_MAX_SIZE : maxSize;
        if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
            throw new ConfigurationException("maxAge",
                    "must be positive, e.g. 7d or 12h (got " + maxAge + "); leave it out for no age limit");
        }
        maxBlobSize = maxBlobSize == null ? DataSize.ofBytes(0) : maxBlobSize;
        if (maxSize.bytes() > 0 && maxBlobSize.bytes() > maxSize.bytes()) {
            throw new ConfigurationException("maxBlobSize",
                    maxBlobSize + " is larger than maxSize " + maxSize + "; it must be at most maxSize");
        }
        namespaceMaxSize = namespaceMaxSize == null ? maxSize : namespaceMaxSize;
        Map<String, DataSize> sorted = new TreeMap<>();
        if (namespaces != null) {
            for (Map.Entry<String, DataSize> e : namespaces.entrySet()) {
                String name = e.getKey();
                if (name == null || !Store.NAMESPACE_PATTERN.matcher(name).matches()) {
                    throw new ConfigurationException("namespaces." + name,
                            "invalid namespace name: expected " + Store.NAMESPACE_PATTERN.pattern());
                }
                if (e.getValue() == null) {
                    throw new ConfigurationException("namespaces." + name, "needs a size, e.g. 4GiB (0 = unlimited)");
                }
                sorted.put(name, e.getValue());
            }
        }
        namespaces = Map.copyOf(sorted);
        fsync = fsync == null ? Boolean.TRUE : fsync;
        memoryCache = memoryCache == null ? DEFAULT_MEMORY_CACHE : memoryCache;
    }

    /**
     * The settings without {@code memoryCache} (its default applies).
     *
     * @param dir the store's directory
     * @param maxSize budget of the root view
     * @param maxAge age limit, null for none
     * @param maxBlobSize largest blob
     * @param namespaceMaxSize budget of each namespace
     * @param namespaces budgets of named namespaces
     * @param fsync whether to fsync
     */
    public DiskStoreConfig(String dir, DataSize maxSize, Duration maxAge, DataSize maxBlobSize,
                           DataSize namespaceMaxSize, Map<String, DataSize> namespaces, Boolean fsync) {
        this(dir, maxSize, maxAge, maxBlobSize, namespaceMaxSize, namespaces, fsync, null);
    }

    /**
     * @param dir the store's directory
     * @return a configuration with every other setting at its default
     */
    public static DiskStoreConfig of(String dir) {
        return new DiskStoreConfig(dir, null, null, null, null, null, null, null);
    }

    /**
     * @param namespace a namespace name
     * @return its budget in bytes, 0 for unlimited
     */
    long budgetOf(String namespace) {
        DataSize size = namespaces.get(namespace);
        return (size == null ? namespaceMaxSize : size).bytes();
    }
}
