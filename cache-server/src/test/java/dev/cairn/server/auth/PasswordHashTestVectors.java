package dev.cairn.server.auth;

/** Hashes of the password {@code secret} written by Debian's htpasswd 2.4 ({@code -nbB}, {@code -nbs}, {@code -nb}). */
public final class PasswordHashTestVectors {
    /** {@code htpasswd -nbB alice secret}. */
    public static final String BCRYPT = "$2y$05$cztklJSCjso59qCClGDZOeeVy3MdvEHlaXxCUBscf18piPsqZhxha";
    /** {@code htpasswd -nbs bob secret}. */
    public static final String SHA = "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=";
    /** {@code htpasswd -nb carol secret}. */
    public static final String APR1 = "$apr1$5kCVSMhj$t4P3FVI1HvWSL6RYvEXWz.";

    private PasswordHashTestVectors() {
    }
}
