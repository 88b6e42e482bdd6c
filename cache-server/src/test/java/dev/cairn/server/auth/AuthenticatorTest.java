package dev.cairn.server.auth;

import dev.cairn.server.ServerConfig;
import dev.cairn.spi.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthenticatorTest {
    @TempDir
    Path dir;

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Authenticator load(String anonymous) throws IOException {
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"), "# users\nalice:" + PasswordHashTest.BCRYPT
                + "\nbob:" + PasswordHashTest.SHA + "\ncarol:" + PasswordHashTest.APR1 + "\n");
        Path tokens = Files.writeString(dir.resolve("tokens"), "# ci\nrw-token readwrite builders\nro-token read\n");
        return Authenticator.load(new ServerConfig.Auth(htpasswd.toString(), tokens.toString(), List.of("bob"),
                anonymous));
    }

    @Test
    void usersAndTokensGetTheirAccess() throws IOException {
        Authenticator a = load(null);
        assertTrue(a.enabled());
        assertEquals(Access.READ_WRITE, a.access(basic("alice", "secret")));
        assertEquals(Access.READ_WRITE, a.access(basic("alice", "secret")), "cached verification");
        assertEquals(Access.READ, a.access(basic("bob", "secret")));
        assertEquals(Access.READ_WRITE, a.access(basic("carol", "secret")));
        assertEquals(Access.NONE, a.access(basic("alice", "wrong")));
        assertEquals(Access.NONE, a.access(basic("mallory", "secret")));
        assertEquals(Access.READ_WRITE, a.access("Bearer rw-token"));
        assertEquals(Access.READ, a.access("Bearer ro-token"));
        assertEquals(Access.NONE, a.access("Bearer rw-toke"));
        assertEquals(Access.READ, a.access(basic("anyone", "ro-token")), "token as Basic password");
        assertEquals(Access.NONE, a.access(null));
        assertEquals(Access.NONE, a.access("Digest abc"));
        assertEquals(Access.NONE, a.access("Basic !!!"));
    }

    @Test
    void anonymousReadStillRejectsWrongCredentials() throws IOException {
        Authenticator a = load("read");
        assertEquals(Access.READ, a.access(null));
        assertEquals(Access.NONE, a.access(basic("alice", "typo")));
    }

    @Test
    void noAuthSectionLetsEveryoneWrite() {
        Authenticator a = Authenticator.load(null);
        assertFalse(a.enabled());
        assertEquals(Access.READ_WRITE, a.access(null));
    }

    @Test
    void badFilesNameTheKeyAndLine() throws IOException {
        Path htpasswd = Files.writeString(dir.resolve("bad"), "alice:plain\n");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> Authenticator.load(
                new ServerConfig.Auth(htpasswd.toString(), null, null, null)));
        assertEquals("server.auth.htpasswd", e.key());
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        Path tokens = Files.writeString(dir.resolve("tokens"), "t write\n");
        ConfigurationException t = assertThrows(ConfigurationException.class, () -> Authenticator.load(
                new ServerConfig.Auth(null, tokens.toString(), null, null)));
        assertEquals("server.auth.tokens", t.key());
        ConfigurationException missing = assertThrows(ConfigurationException.class, () -> Authenticator.load(
                new ServerConfig.Auth(dir.resolve("nope").toString(), null, null, null)));
        assertTrue(missing.getMessage().contains("cannot read"), missing.getMessage());
    }
}
