package dev.cairn.fuse.builddir;

import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.Store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads input content from the store: key = the SHA-256 hex digest, blob name {@value #BLOB}, in the namespace
 * {@value #NAMESPACE} of the configured store. Content is verified against its digest and size before it is used.
 */
final class StoreContentSource implements ContentSource {
    /** The store namespace holding build inputs and outputs. */
    static final String NAMESPACE = "source";
    /** The blob name of a content entry. */
    static final String BLOB = "content";

    private final Store store;

    StoreContentSource(Store store) {
        this.store = Objects.requireNonNull(store, "store is null");
    }

    @Override
    public void copyInto(String sha256, long size, Sink into) throws IOException {
        Optional<Blob> found = store.get(sha256, BLOB);
        if (found.isEmpty()) {
            throw new IOException("content " + sha256 + " is not in the store's '" + NAMESPACE + "' namespace");
        }
        MessageDigest digest = sha256();
        long offset = 0;
        try (Blob blob = found.get(); InputStream in = blob.stream()) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
                into.writeAt(ByteBuffer.wrap(buffer, 0, n), offset);
                offset += n;
            }
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (offset != size || !actual.equals(sha256)) {
            throw new IOException("content " + sha256 + " from the store does not match the manifest: "
                    + offset + " bytes with sha256 " + actual + ", expected " + size + " bytes");
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
