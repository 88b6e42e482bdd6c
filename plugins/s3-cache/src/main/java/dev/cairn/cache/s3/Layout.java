package dev.cairn.cache.s3;

import dev.cairn.spi.store.Store;

import java.util.Objects;
import java.util.Optional;

/**
 * Object names in the bucket: {@code <prefix><view>/<hh>/<key>/.entry} is an entry's commit marker (its manifest),
 * {@code <prefix><view>/<hh>/<key>/<generation>/<name>} its blobs. The root view is {@code _default}, which no
 * namespace can be called (namespaces start with a letter or digit), so views never collide. A fresh generation per
 * put lets a replacement switch atomically with one marker write. Small entries have no blob objects: their
 * blobs are inline in the marker (see {@link Manifest}).
 */
final class Layout {
    static final String ROOT_VIEW = "_default";
    static final String MARKER = ".entry";

    private final String prefix;

    /** @param prefix the configured key prefix, empty or ending in {@code /} */
    Layout(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix is null");
    }

    String prefix() {
        return prefix;
    }

    String entryPrefix(String view, String key) {
        return prefix + view + "/" + key.substring(0, 2) + "/" + key + "/";
    }

    String marker(String view, String key) {
        return entryPrefix(view, key) + MARKER;
    }

    String blob(String view, String key, String generation, String name) {
        return entryPrefix(view, key) + generation + "/" + name;
    }

    /**
     * An object of the layout, as found by a listing.
     *
     * @param view the view ({@link #ROOT_VIEW} or a namespace)
     * @param key the entry's key
     * @param marker whether this is the entry's commit marker
     */
    record Parsed(String view, String key, boolean marker) {
    }

    /**
     * @param objectKey a key from a listing of {@link #prefix()}
     * @return what it is, or empty for objects this store did not write
     */
    Optional<Parsed> parse(String objectKey) {
        if (!objectKey.startsWith(prefix)) {
            return Optional.empty();
        }
        String[] parts = objectKey.substring(prefix.length()).split("/", -1);
        if (parts.length < 4 || parts.length > 5) {
            return Optional.empty();
        }
        String view = parts[0];
        String key = parts[2];
        if (!view.equals(ROOT_VIEW) && !Store.NAMESPACE_PATTERN.matcher(view).matches()
                || !Store.KEY_PATTERN.matcher(key).matches() || !parts[1].equals(key.substring(0, 2))) {
            return Optional.empty();
        }
        if (parts.length == 4) {
            return parts[3].equals(MARKER) ? Optional.of(new Parsed(view, key, true)) : Optional.empty();
        }
        return Store.NAME_PATTERN.matcher(parts[4]).matches() && !parts[3].isEmpty()
                ? Optional.of(new Parsed(view, key, false)) : Optional.empty();
    }
}
