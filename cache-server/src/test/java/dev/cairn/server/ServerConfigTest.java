package dev.cairn.server;

import dev.cairn.spi.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ServerConfigTest {
    @Test
    void defaults() {
        ServerConfig c = ServerConfig.defaults();
        assertEquals("127.0.0.1", c.host());
        assertEquals(8080, c.port());
        assertEquals(0, c.maxBlobSize().bytes());
        assertFalse(c.readOnly());
        assertEquals(200, c.maxThreads());
        assertEquals(null, c.auth());
    }

    @Test
    void withPathsResolvesEveryFileName() {
        ServerConfig c = new ServerConfig(null, null, null, null, "staging", null,
                new ServerConfig.Auth("users", "tokens", List.of("ro"), "read"),
                new ServerConfig.Tls(null, null, "cert.pem", "key.pem"));
        ServerConfig r = c.withPaths(name -> "/etc/cairn/" + name);
        assertEquals("/etc/cairn/staging", r.stagingDir());
        assertEquals(new ServerConfig.Auth("/etc/cairn/users", "/etc/cairn/tokens", List.of("ro"), "read"), r.auth());
        assertEquals(new ServerConfig.Tls(null, "", "/etc/cairn/cert.pem", "/etc/cairn/key.pem"), r.tls());
        assertEquals(null, ServerConfig.defaults().withPaths(name -> "/x/" + name).stagingDir());
    }

    @Test
    void invalidValuesNameTheirKey() {
        assertEquals("server.port", assertThrows(ConfigurationException.class,
                () -> ServerConfig.listen("127.0.0.1", 70000)).key());
        assertEquals("server.maxThreads", assertThrows(ConfigurationException.class,
                () -> new ServerConfig(null, null, null, null, null, 1, null, null)).key());
        assertEquals("server.auth", assertThrows(ConfigurationException.class,
                () -> new ServerConfig.Auth(null, null, null, null)).key());
        assertEquals("server.auth.anonymous", assertThrows(ConfigurationException.class,
                () -> new ServerConfig.Auth("f", null, List.of(), "everyone")).key());
        assertEquals("server.tls", assertThrows(ConfigurationException.class,
                () -> new ServerConfig.Tls("a.p12", null, "c.pem", "k.pem")).key());
        assertEquals("server.tls.privateKey", assertThrows(ConfigurationException.class,
                () -> new ServerConfig.Tls(null, null, "c.pem", null)).key());
    }
}
