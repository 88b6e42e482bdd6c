package dev.cairn.sparse;

import java.io.IOException;

/** The target's whole-file digest differs from the source's after a sync; nothing was recorded. */
final class VerificationException extends IOException {
    VerificationException(String target, String expected, String actual) {
        super("verification failed for " + target + ": source digest " + expected + ", target digest " + actual);
    }

    VerificationException(String message) {
        super(message);
    }
}
