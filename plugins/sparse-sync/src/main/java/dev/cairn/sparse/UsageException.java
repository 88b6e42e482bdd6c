package dev.cairn.sparse;

/** Bad command-line arguments; the command prints the message and its usage and exits with 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
