package dev.cairn.server.route;

import java.util.Objects;

/**
 * Where a request path lands in the store.
 *
 * @param protocol the client protocol
 * @param namespace the store namespace, null for {@link Protocol#STATUS} and {@link Protocol#METRICS}
 * @param key the entry key in that namespace; null for collections and the status endpoints
 * @param path the normalised request path (for WebDAV answers)
 * @param verifySha256 whether an upload's SHA-256 must equal the key (Bazel CAS)
 */
public record Route(Protocol protocol, String namespace, String key, String path, boolean verifySha256) {
    /** Blob name used for every entry the server writes: one blob per entry. */
    public static final String BLOB = "output";
    /** SHA-256 of the empty blob, which Bazel expects to exist always. */
    public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /** Checks the components. */
    public Route {
        Objects.requireNonNull(protocol, "protocol is null");
        Objects.requireNonNull(path, "path is null");
    }

    /** @return whether the route names a WebDAV collection (a directory) rather than an entry */
    public boolean collection() {
        return protocol == Protocol.FILES && key == null;
    }

    /** @return whether the route is the empty blob of a Bazel CAS, present whether stored or not */
    public boolean emptyCasBlob() {
        return verifySha256 && EMPTY_SHA256.equals(key);
    }
}
