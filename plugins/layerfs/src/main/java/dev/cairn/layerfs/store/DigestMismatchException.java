package dev.cairn.layerfs.store;

import java.io.IOException;

/** A layer's bytes do not hash to the digest that names it. */
public final class DigestMismatchException extends IOException {
    /**
     * @param expected the digest the manifest or caller gave
     * @param actual the digest of the bytes received
     */
    public DigestMismatchException(String expected, String actual) {
        super("layer digest mismatch: expected " + expected + ", got " + actual);
    }
}
