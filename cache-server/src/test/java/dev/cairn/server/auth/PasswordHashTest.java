package dev.cairn.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHashTest {
    static final String BCRYPT = PasswordHashTestVectors.BCRYPT;
    static final String SHA = PasswordHashTestVectors.SHA;
    static final String APR1 = PasswordHashTestVectors.APR1;

    @Test
    void bcryptFromHtpasswd() {
        assertTrue(PasswordHash.parse(BCRYPT).matches("secret"));
        assertFalse(PasswordHash.parse(BCRYPT).matches("Secret"));
        String fresh = BCrypt.withDefaults().hashToString(4, "pw".toCharArray());
        assertTrue(PasswordHash.parse(fresh).matches("pw"));
    }

    @Test
    void shaFromHtpasswd() {
        assertTrue(PasswordHash.parse(SHA).matches("secret"));
        assertFalse(PasswordHash.parse(SHA).matches("secret "));
    }

    @Test
    void apr1FromHtpasswd() {
        assertEquals(APR1, PasswordHash.apr1("secret".getBytes(StandardCharsets.UTF_8), "5kCVSMhj"));
        assertTrue(PasswordHash.parse(APR1).matches("secret"));
        assertFalse(PasswordHash.parse(APR1).matches("secreT"));
    }

    @Test
    void unsupportedFormatsAreRefusedWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.parse("plaintext"));
        assertTrue(e.getMessage().contains("htpasswd -B"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("$2y$05$short"));
    }
}
