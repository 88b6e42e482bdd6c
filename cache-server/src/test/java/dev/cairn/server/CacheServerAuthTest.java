package dev.cairn.server;

import dev.cairn.server.auth.PasswordHashTestVectors;
import dev.cairn.testkit.InMemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class CacheServerAuthTest {
    private static final String KEY = "/cache/0123456789abcdef";

    @TempDir
    Path dir;
    InMemoryStore store = new InMemoryStore(0);
    ServerFixture f;
    Path htpasswd;
    Path tokens;

    @BeforeEach
    void start() throws Exception {
        htpasswd = Files.writeString(dir.resolve("htpasswd"), "alice:" + PasswordHashTestVectors.BCRYPT
                + "\nbob:" + PasswordHashTestVectors.SHA + "\n");
        tokens = Files.writeString(dir.resolve("tokens"), "rw-token readwrite\nro-token read\n");
        f = new ServerFixture(config("none"), store);
    }

    private ServerConfig config(String anonymous) {
        return new ServerConfig("127.0.0.1", 0, null, null, null, null,
                new ServerConfig.Auth(htpasswd.toString(), tokens.toString(), List.of("bob"), anonymous), null);
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void missingOrWrongCredentialsAre401() throws Exception {
        HttpResponse<String> none = f.send("GET", KEY, null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElseThrow().startsWith("Basic realm="));
        assertEquals(401, f.send("PUT", KEY, "x".getBytes(), "Authorization", basic("alice", "nope")).statusCode());
        assertEquals(401, f.send("GET", "/status", null).statusCode());
        assertEquals(0, store.namespace("gradle").stats().entries());
    }

    @Test
    void readWriteUsersWriteAndReadOnlyUsersGet403() throws Exception {
        assertEquals(201, f.send("PUT", KEY, "x".getBytes(), "Authorization", basic("alice", "secret")).statusCode());
        assertEquals(200, f.send("GET", KEY, null, "Authorization", basic("bob", "secret")).statusCode());
        HttpResponse<String> denied = f.send("PUT", KEY, "y".getBytes(), "Authorization", basic("bob", "secret"));
        assertEquals(403, denied.statusCode());
        assertEquals("these credentials may only read\n", denied.body());
        assertEquals("x", f.send("GET", KEY, null, "Authorization", "Bearer ro-token").body());
        assertEquals(403, f.send("DELETE", KEY, null, "Authorization", "Bearer ro-token").statusCode());
        assertEquals(204, f.send("DELETE", KEY, null, "Authorization", "Bearer rw-token").statusCode());
    }

    @Test
    void curlWithBasicAuthInTheUrlLikeCcache() throws Exception {
        String url = f.base.toString().replace("http://", "http://alice:secret@") + "/ccache/ab/cdef";
        assertEquals("201", f.curlStatus("-X", "PUT", "--data-binary", "entry", url));
        assertEquals("entry", ServerFixture.curl(List.of(url)));
        assertEquals("401", f.curlStatus(f.url("/ccache/ab/cdef")));
        assertEquals("200", f.curlStatus("-H", "Authorization: Bearer ro-token", f.url("/ccache/ab/cdef")));
    }

    @Test
    void reconfigureReReadsTheFiles() throws Exception {
        assertEquals(401, f.send("GET", KEY, null, "Authorization", "Bearer new-token").statusCode());
        Files.writeString(tokens, "new-token readwrite\n");
        assertEquals(List.of(), f.server.reconfigure(config("read")));
        assertEquals(201, f.send("PUT", KEY, "z".getBytes(), "Authorization", "Bearer new-token").statusCode());
        assertEquals(200, f.send("GET", KEY, null).statusCode(), "anonymous read now allowed");
        assertEquals(401, f.send("PUT", KEY, "z".getBytes()).statusCode());
        assertEquals(401, f.send("GET", KEY, null, "Authorization", "Bearer rw-token").statusCode());
    }
}
