package dev.cairn.projection;

/**
 * A payload, or the source it was read from, cannot be projected: a path breaks the rules of {@link PayloadPaths}, two
 * paths collide, or a source file is malformed. Thrown before anything is written, so the projection is unchanged.
 */
public class InvalidPayloadException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message one sentence naming the offending path or key */
    public InvalidPayloadException(String message) {
        super(message);
    }

    /**
     * @param message one sentence naming the offending path or key
     * @param cause what the parser said
     */
    public InvalidPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
