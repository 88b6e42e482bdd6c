package dev.cairn.server.route;

/** A request path that names no valid cache entry (HTTP 400); the message is the reason sent to the client. */
public final class MalformedPathException extends Exception {
    /** @param reason what is wrong with the path */
    public MalformedPathException(String reason) {
        super(reason);
    }
}
