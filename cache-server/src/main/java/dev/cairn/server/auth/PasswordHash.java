package dev.cairn.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A password hash from an htpasswd file, in one of the formats {@code htpasswd} writes: bcrypt ({@code -B},
 * {@code $2y$}), SHA-1 ({@code -s}, {@code {SHA}}) and Apache MD5 (the default, {@code $apr1$}). {@code crypt(3)}
 * and plain text are refused when the file is read.
 */
final class PasswordHash {
    private final String hash;

    private PasswordHash(String hash) {
        this.hash = hash;
    }

    /**
     * @param hash the hash field of an htpasswd line
     * @return the parsed hash
     * @throws IllegalArgumentException when the format is not supported
     */
    static PasswordHash parse(String hash) {
        if (hash.startsWith("$2y$") || hash.startsWith("$2a$") || hash.startsWith("$2b$")) {
            if (hash.length() != 60) {
                throw new IllegalArgumentException("bcrypt hash must be 60 characters");
            }
        } else if (hash.startsWith("{SHA}")) {
            if (Base64.getDecoder().decode(hash.substring(5)).length != 20) {
                throw new IllegalArgumentException("{SHA} hash must be base64 of 20 bytes");
            }
        } else if (hash.startsWith("$apr1$")) {
            if (hash.split("\\$", -1).length != 4) {
                throw new IllegalArgumentException("$apr1$ hash must be $apr1$<salt>$<hash>");
            }
        } else {
            throw new IllegalArgumentException(
                    "unsupported hash format (use htpasswd -B for bcrypt, -s for SHA-1, or the default $apr1$)");
        }
        return new PasswordHash(hash);
    }

    /**
     * @param password the password to check
     * @return whether it matches
     */
    boolean matches(String password) {
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        if (hash.startsWith("{SHA}")) {
            byte[] expected = Base64.getDecoder().decode(hash.substring(5));
            return MessageDigest.isEqual(expected, digest("SHA-1", pw));
        }
        if (hash.startsWith("$apr1$")) {
            String salt = hash.split("\\$", -1)[2];
            return MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
                    apr1(pw, salt).getBytes(StandardCharsets.US_ASCII));
        }
        return BCrypt.verifyer().verify(pw, hash.getBytes(StandardCharsets.US_ASCII)).verified;
    }

    private static byte[] digest(String algorithm, byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }

    private static final String ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /** Apache's MD5-crypt variant, as in apr_md5.c. */
    static String apr1(byte[] pw, String salt) {
        if (salt.length() > 8) {
            salt = salt.substring(0, 8);
        }
        byte[] magic = "$apr1$".getBytes(StandardCharsets.US_ASCII);
        byte[] s = salt.getBytes(StandardCharsets.US_ASCII);
        byte[] fin = digest("MD5", pw, s, pw);
        MessageDigest ctx;
        try {
            ctx = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 missing from the JDK", e);
        }
        ctx.update(pw);
        ctx.update(magic);
        ctx.update(s);
        for (int pl = pw.length; pl > 0; pl -= 16) {
            ctx.update(fin, 0, Math.min(pl, 16));
        }
        for (int i = pw.length; i != 0; i >>>= 1) {
            if ((i & 1) != 0) {
                ctx.update((byte) 0);
            } else {
                ctx.update(pw.length > 0 ? pw[0] : 0);
            }
        }
        fin = ctx.digest();
        for (int i = 0; i < 1000; i++) {
            ctx.reset();
            if ((i & 1) != 0) {
                ctx.update(pw);
            } else {
                ctx.update(fin, 0, 16);
            }
            if (i % 3 != 0) {
                ctx.update(s);
            }
            if (i % 7 != 0) {
                ctx.update(pw);
            }
            if ((i & 1) != 0) {
                ctx.update(fin, 0, 16);
            } else {
                ctx.update(pw);
            }
            fin = ctx.digest();
        }
        StringBuilder out = new StringBuilder("$apr1$").append(salt).append('$');
        to64(out, (b(fin[0]) << 16) | (b(fin[6]) << 8) | b(fin[12]), 4);
        to64(out, (b(fin[1]) << 16) | (b(fin[7]) << 8) | b(fin[13]), 4);
        to64(out, (b(fin[2]) << 16) | (b(fin[8]) << 8) | b(fin[14]), 4);
        to64(out, (b(fin[3]) << 16) | (b(fin[9]) << 8) | b(fin[15]), 4);
        to64(out, (b(fin[4]) << 16) | (b(fin[10]) << 8) | b(fin[5]), 4);
        to64(out, b(fin[11]), 2);
        return out.toString();
    }

    private static int b(byte x) {
        return x & 0xff;
    }

    private static void to64(StringBuilder out, int v, int n) {
        for (int i = 0; i < n; i++) {
            out.append(ITOA64.charAt(v & 0x3f));
            v >>>= 6;
        }
    }
}
