package dev.cairn.server.auth;

/** What a caller may do. */
public enum Access {
    /** Nothing: credentials missing or wrong. */
    NONE,
    /** GET, HEAD, PROPFIND, status and metrics. */
    READ,
    /** Also PUT, DELETE and MKCOL. */
    READ_WRITE;

    /**
     * @param needed the access a request needs
     * @return whether this access covers it
     */
    public boolean allows(Access needed) {
        return compareTo(needed) >= 0;
    }

    static Access parse(String text) {
        return switch (text) {
            case "none" -> NONE;
            case "read" -> READ;
            case "readwrite" -> READ_WRITE;
            default -> throw new IllegalArgumentException("access must be read or readwrite, not '" + text + "'");
        };
    }
}
