package dev.cairn.server.route;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathRouterTest {
    private static final String HASH = "ab".repeat(32);
    private final PathRouter router = new PathRouter();

    @Test
    void bazelWithAndWithoutInstance() throws MalformedPathException {
        Route cas = router.route("/cas/" + HASH);
        assertEquals(new Route(Protocol.BAZEL, "bazel-cas", HASH, "/cas/" + HASH, true), cas);
        Route ac = router.route("/ac/" + HASH);
        assertEquals("bazel-ac", ac.namespace());
        assertFalse(ac.verifySha256());
        assertEquals("bazel-cas--ci_1", router.route("/ci_1/cas/" + HASH).namespace());
        assertEquals("bazel-ac--ccache", router.route("/ccache/ac/" + HASH).namespace());
    }

    @Test
    void emptyCasBlobIsRecognised() throws MalformedPathException {
        assertTrue(router.route("/cas/" + Route.EMPTY_SHA256).emptyCasBlob());
        assertFalse(router.route("/ac/" + Route.EMPTY_SHA256).emptyCasBlob());
    }

    @Test
    void gradleAndStatusEndpoints() throws MalformedPathException {
        assertEquals(new Route(Protocol.GRADLE, "gradle", "0f0f", "/cache/0f0f", false), router.route("/cache/0f0f"));
        assertEquals(Protocol.STATUS, router.route("/status").protocol());
        assertEquals(Protocol.METRICS, router.route("/metrics").protocol());
        assertEquals(Protocol.FILES, router.route("/status/x").protocol());
    }

    @Test
    void filesAreKeyedByTheHashOfTheirPath() throws MalformedPathException {
        Route a = router.route("/ccache/ab/cdef");
        Route b = router.route("/ccache/abcdef");
        assertEquals("files", a.namespace());
        assertEquals(64, a.key().length());
        assertNotEquals(a.key(), b.key());
        assertEquals(a, router.route("/ccache/ab/cdef"));
        // A subdirs key under a prefix whose first two characters are "ac" is a file, not a Bazel path.
        assertEquals(Protocol.FILES, router.route("/ccache/ac/0123456789abcdefghijklmnopqrstuv").protocol());
        assertEquals("/sccache/.sccache_check", router.route("/sccache/.sccache_check").path());
    }

    @Test
    void collectionsEndInASlash() throws MalformedPathException {
        Route dir = router.route("/sccache/a/b/");
        assertTrue(dir.collection());
        assertNull(dir.key());
        assertEquals("/sccache/a/b/", dir.path());
        assertTrue(router.route("/").collection());
    }

    @Test
    void refusesEverythingThatCouldEscapeOrIsMalformed() {
        for (String bad : List.of("", "x", "/..", "/a/../b", "/a/./b", "/a//b", "/%2e%2e/x", "/a%2fb", "/a\\b",
                "/ac/" + HASH.toUpperCase(), "/ac/123", "/cas/" + HASH + "0", "/Main/ac/" + HASH,
                "/cache/-leading-dash", "/cache/" + "k".repeat(129), "/a b", "/" + "x".repeat(1100))) {
            assertThrows(MalformedPathException.class, () -> router.route(bad), bad);
        }
        MalformedPathException e = assertThrows(MalformedPathException.class, () -> router.route("/ac/zz"));
        assertTrue(e.getMessage().contains("64 lower-case hex digits"), e.getMessage());
    }

    @Test
    void theKeyCheckAgreesWithTheStoreKeyPattern() {
        for (String key : java.util.List.of("ab", "a", "0123456789abcdef", "A_b-c", "_ab", "-ab", "a.b", "a/b", "a b",
                "ab\u00e9", "x".repeat(128), "x".repeat(129), "é1", "a\u0000")) {
            assertEquals(dev.cairn.spi.store.Store.KEY_PATTERN.matcher(key).matches(), PathRouter.isStoreKey(key), key);
        }
    }
}
