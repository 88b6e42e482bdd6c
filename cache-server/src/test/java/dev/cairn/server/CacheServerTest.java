package dev.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.server.staging.HeapPool;
import dev.cairn.spi.config.DataSize;
import dev.cairn.testkit.InMemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class CacheServerTest {
    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void reportsItsUrlOnceListening() throws Exception {
        try (ServerFixture f = new ServerFixture(ServerConfig.listen("127.0.0.1", 0), new InMemoryStore(0))) {
            assertEquals(List.of(f.base.toString()), f.listening);
            assertTrue(f.base.toString().matches("http://127\\.0\\.0\\.1:[0-9]+"), f.base.toString());
        }
    }

    @Nested
    class Protocols {
        InMemoryStore store = new InMemoryStore(0);
        ServerFixture f;

        @BeforeEach
        void start() throws Exception {
            f = new ServerFixture(ServerConfig.listen("127.0.0.1", 0), store);
        }

        @AfterEach
        void stop() throws Exception {
            f.close();
        }

        @Test
        void bazelCasRoundTripVerifiesTheHash() throws Exception {
            byte[] blob = random(100_000, 1);
            String hash = ServerFixture.sha256(blob);
            assertEquals(404, f.send("GET", "/cas/" + hash, null).statusCode());
            assertEquals(201, f.send("PUT", "/cas/" + hash, blob).statusCode());
            HttpResponse<byte[]> got = f.getBytes("/cas/" + hash);
            assertEquals(200, got.statusCode());
            assertArrayEquals(blob, got.body());
            HttpResponse<String> head = f.send("HEAD", "/cas/" + hash, null);
            assertEquals(200, head.statusCode());
            assertEquals("100000", head.headers().firstValue("Content-Length").orElseThrow());
            assertTrue(store.namespace("bazel-cas").has(hash));
        }

        @Test
        void bazelCasMismatchIs400AndStoresNothing() throws Exception {
            byte[] blob = "not what the hash says".getBytes(StandardCharsets.UTF_8);
            String wrong = ServerFixture.sha256("something else".getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> r = f.send("PUT", "/cas/" + wrong, blob);
            assertEquals(400, r.statusCode());
            assertTrue(r.body().contains("hashes to " + ServerFixture.sha256(blob)), r.body());
            assertFalse(store.namespace("bazel-cas").has(wrong));
            assertEquals(0, store.namespace("bazel-cas").stats().entries());
        }

        @Test
        void bazelActionCacheAndInstanceNamesUseSeparateNamespaces() throws Exception {
            String key = ServerFixture.sha256("action".getBytes(StandardCharsets.UTF_8));
            byte[] result = "any bytes: AC is not verified".getBytes(StandardCharsets.UTF_8);
            assertEquals(201, f.send("PUT", "/ac/" + key, result).statusCode());
            assertEquals(201, f.send("PUT", "/main/ac/" + key, "other".getBytes()).statusCode());
            assertEquals("any bytes: AC is not verified", f.send("GET", "/ac/" + key, null).body());
            assertEquals("other", f.send("GET", "/main/ac/" + key, null).body());
            assertTrue(store.namespace("bazel-ac").has(key));
            assertTrue(store.namespace("bazel-ac--main").has(key));
        }

        @Test
        void instanceNamesAreBounded() throws Exception {
            String key = "/ac/" + "0".repeat(64);
            int i = 0;
            int status;
            do {
                status = f.send("PUT", "/i" + i++ + key, "x".getBytes()).statusCode();
            } while (status == 201 && i < 1000);
            assertEquals(400, status);
            assertTrue(i <= CacheHandler.MAX_NAMESPACES + 1, "stopped after " + i);
            assertEquals(201, f.send("PUT", "/i0" + key, "y".getBytes()).statusCode(), "known instances still work");
        }

        @Test
        void theEmptyCasBlobAlwaysExists() throws Exception {
            HttpResponse<String> r = f.send("GET", "/cas/" + ServerFixture.sha256(new byte[0]), null);
            assertEquals(200, r.statusCode());
            assertEquals("", r.body());
        }

        @Test
        void malformedBazelKeysAre400WithAReason() throws Exception {
            HttpResponse<String> r = f.send("PUT", "/ac/ABCDEF", "x".getBytes());
            assertEquals(400, r.statusCode());
            assertTrue(r.body().contains("64 lower-case hex digits"), r.body());
            HttpResponse<String> upper = f.send("GET", "/cas/" + "A".repeat(64), null);
            assertEquals(400, upper.statusCode());
        }

        @Test
        void ccacheLayoutsSubdirsAndFlatWithCurl() throws Exception {
            Path tmp = Files.createTempDirectory("ccache-body");
            try {
                Path body = tmp.resolve("entry");
                Files.write(body, random(5000, 2));
                String key = "a1b2c3d4e5f6g7h8i9j0klmnopqrstuvR";
                String subdirs = f.url("/ccache/" + key.substring(0, 2) + "/" + key.substring(2));
                String flat = f.url("/ccache-flat/" + key);
                for (String url : List.of(subdirs, flat)) {
                    assertEquals("404", f.curlStatus(url));
                    assertEquals("201", f.curlStatus("-X", "PUT", "--data-binary", "@" + body, url));
                    Path out = tmp.resolve("out");
                    assertEquals("200", ServerFixture.curl(List.of("-o", out.toString(), "-w", "%{http_code}", url)));
                    assertArrayEquals(Files.readAllBytes(body), Files.readAllBytes(out));
                    assertEquals("200", f.curlStatus("-I", url));
                }
                assertEquals(2, store.namespace("files").stats().entries());
                assertEquals("204", f.curlStatus("-X", "DELETE", subdirs));
                assertEquals("404", f.curlStatus(subdirs));
                assertEquals("404", f.curlStatus("-X", "DELETE", subdirs));
                assertEquals(1, store.namespace("files").stats().entries());
            } finally {
                try (Stream<Path> s = Files.walk(tmp)) {
                    s.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
                }
            }
        }

        @Test
        void gradleHitMissAndExpectContinue() throws Exception {
            String key = "0123456789abcdef0123456789abcdef";
            assertEquals(404, f.send("GET", "/cache/" + key, null).statusCode());
            byte[] body = random(2 << 20, 3);
            HttpRequest put = HttpRequest.newBuilder(f.base.resolve("/cache/" + key)).expectContinue(true)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            assertEquals(201, f.http.send(put, HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<byte[]> got = f.getBytes("/cache/" + key);
            assertEquals(200, got.statusCode());
            assertArrayEquals(body, got.body());
            assertTrue(store.namespace("gradle").has(key));
        }

        @Test
        void webDavForSccache() throws Exception {
            assertEquals(201, f.send("MKCOL", "/sccache/a/", null).statusCode());
            HttpResponse<String> dir = f.send("PROPFIND", "/sccache/a/", null, "Depth", "0");
            assertEquals(207, dir.statusCode());
            assertTrue(dir.body().contains("<D:collection/>"), dir.body());
            assertEquals(404, f.send("PROPFIND", "/sccache/a/b/c/abc", null, "Depth", "0").statusCode());
            assertEquals(201, f.send("PUT", "/sccache/a/b/c/abc", "12345".getBytes()).statusCode());
            HttpResponse<String> file = f.send("PROPFIND", "/sccache/a/b/c/abc", null, "Depth", "0");
            assertEquals(207, file.statusCode());
            assertTrue(file.body().contains("<D:getcontentlength>5</D:getcontentlength>"), file.body());
            assertTrue(file.body().contains("<D:href>/sccache/a/b/c/abc</D:href>"), file.body());
            assertEquals("12345", f.send("GET", "/sccache/a/b/c/abc", null).body());
            HttpResponse<String> dotFile = f.send("PUT", "/sccache/.sccache_check", "ok".getBytes());
            assertEquals(201, dotFile.statusCode());
        }

        @Test
        void unsupportedMethodsAre405WithAllow() throws Exception {
            HttpResponse<String> r = f.send("POST", "/cache/0123456789abcdef", "x".getBytes());
            assertEquals(405, r.statusCode());
            assertTrue(r.headers().firstValue("Allow").orElseThrow().contains("PUT"));
            assertEquals(405, f.send("PROPFIND", "/ac/" + "0".repeat(64), null).statusCode());
            assertEquals(405, f.send("PUT", "/status", "x".getBytes()).statusCode());
        }

        @Test
        void pathsThatCouldEscapeAre400AndStoreNothing() throws Exception {
            for (String path : List.of("/ac/../../etc/passwd", "/files/%2e%2e/x", "/a//b", "/a/./b",
                    "/cache/..%2f..%2fetc", "/x/a%5Cb", "/cache/" + "k".repeat(200))) {
                String code = f.curlStatus("--path-as-is", "-X", "PUT", "--data-binary", "x", f.base + path);
                assertEquals("400", code, path);
            }
            for (String ns : List.of("files", "bazel-ac", "bazel-cas", "gradle")) {
                assertEquals(0, store.namespace(ns).stats().entries(), ns);
            }
            String reason = ServerFixture.curl(List.of("--path-as-is", f.base + "/a/./b"));
            assertTrue(reason.contains("not allowed"), reason);
        }

        @Test
        void statusMergesHostStatusWithNamespaceCounts() throws Exception {
            String key = "0123456789abcdef0123456789abcdef";
            f.send("PUT", "/cache/" + key, "abc".getBytes());
            f.send("GET", "/cache/" + key, null);
            f.send("GET", "/cache/ffff", null);
            HttpResponse<String> r = f.send("GET", "/status", null);
            assertEquals(200, r.statusCode());
            JsonNode status = new ObjectMapper().readTree(r.body());
            assertEquals("fake-plugin", status.get("plugins").get(0).asText());
            JsonNode gradle = status.get("namespaces").get("gradle");
            assertEquals(1, gradle.get("hits").asLong());
            assertEquals(1, gradle.get("misses").asLong());
            assertEquals(1, gradle.get("puts").asLong());
            assertEquals(1, gradle.get("entries").asLong());
            assertEquals(3, gradle.get("sizeBytes").asLong());
            assertTrue(status.get("server").get("uptimeSeconds").asDouble() >= 0);
            assertTrue(status.get("namespaces").has("bazel-cas"));
        }

        @Test
        void metricsArePrometheusTextWithHostSamples() throws Exception {
            f.send("GET", "/cache/0123456789abcdef", null);
            HttpResponse<String> r = f.send("GET", "/metrics", null);
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain"));
            String text = r.body();
            assertTrue(text.contains("# TYPE cairn_cache_requests_total counter"), text);
            assertTrue(text.contains("cairn_cache_requests_total{namespace=\"gradle\",result=\"miss\"} 1"), text);
            assertTrue(text.contains("cairn_host_test_gauge 42"), text);
            assertTrue(text.contains("cairn_store_entries{namespace=\"files\"} 0"), text);
        }
    }

    @Nested
    class Limits {
        @Test
        void fullStoreIs507AndStoresNothing() throws Exception {
            InMemoryStore store = new InMemoryStore(0);
            store.namespace("gradle").setMaxSize(1000);
            try (ServerFixture f = new ServerFixture(ServerConfig.listen("127.0.0.1", 0), new FullStore(store))) {
                HttpResponse<String> r = f.send("PUT", "/cache/0123456789abcdef", "x".getBytes());
                assertEquals(507, r.statusCode());
                assertTrue(r.body().startsWith("store full"), r.body());
                assertEquals(0, store.namespace("gradle").stats().entries());
            }
        }

        @Test
        void uploadsAreStagedInTheFilePoolAndFreed() throws Exception {
            InMemoryStore store = new InMemoryStore(0);
            HeapPool pool = new HeapPool();
            try (ServerFixture f = new ServerFixture(ServerConfig.listen("127.0.0.1", 0), store, pool,
                    java.net.http.HttpClient.newHttpClient())) {
                // Above the in-memory staging limit, so the body goes to the pool.
                byte[] body = random(dev.cairn.server.staging.Staging.MEMORY_BLOB + 1, 9);
                String hash = ServerFixture.sha256(body);
                assertEquals(201, f.send("PUT", "/cas/" + hash, body).statusCode());
                assertEquals(400, f.send("PUT", "/cas/" + "1".repeat(64), body).statusCode());
                assertEquals(2, pool.created);
                ServerFixture.await("pool files to be freed", () -> pool.open == 0);
                assertArrayEquals(body, store.namespace("bazel-cas").getBytes(hash, "output").orElseThrow());
                assertEquals(1, store.namespace("bazel-cas").stats().entries());
                String status = f.send("GET", "/status", null).body();
                assertTrue(status.contains("\"area\" : \"pool\""), status);
            }
        }

        @Test
        void unreachableStoreIs503() throws Exception {
            try (ServerFixture f = new ServerFixture(ServerConfig.listen("127.0.0.1", 0),
                    new FullStore(new InMemoryStore(0), true))) {
                HttpResponse<String> get = f.send("GET", "/cache/0123456789abcdef", null);
                assertEquals(503, get.statusCode());
                assertTrue(get.body().startsWith("store unavailable"), get.body());
                HttpResponse<String> put = f.send("PUT", "/cache/0123456789abcdef", "x".getBytes());
                assertEquals(503, put.statusCode());
                assertTrue(put.body().startsWith("store unavailable: remote tier down"), put.body());
            }
        }

        @Test
        void bigBlobsStreamThroughInChunks(@TempDir Path tmp) throws Exception {
            Path storeDir = Files.createDirectories(tmp.resolve("store"));
            DirStore store = new DirStore(storeDir);
            Path big = tmp.resolve("big");
            try (OutputStream out = Files.newOutputStream(big)) {
                byte[] chunk = random(1 << 20, 8);
                for (int i = 0; i < 48; i++) {
                    chunk[0] = (byte) i;
                    out.write(chunk);
                }
            }
            String hash = ServerFixture.sha256(Files.readAllBytes(big));
            try (ServerFixture f = new ServerFixture(ServerConfig.listen("127.0.0.1", 0), store)) {
                assertEquals("201", f.curlStatus("-X", "PUT", "--data-binary", "@" + big, f.url("/cas/" + hash)));
                Path back = tmp.resolve("back");
                assertEquals("200", ServerFixture.curl(List.of("-o", back.toString(), "-w", "%{http_code}",
                        f.url("/cas/" + hash))));
                assertEquals(Files.size(big), Files.size(back));
                assertEquals(hash, ServerFixture.sha256(Files.readAllBytes(back)));
                assertTrue(store.namespace("bazel-cas").has(hash));
                long largest = store.namespace("bazel-cas").largestRead.get();
                assertTrue(largest > 0 && largest <= 256 * 1024, "read in chunks of at most 256 KiB: " + largest);
            }
        }

        @Test
        void blobLargerThanTheStoreIs413() throws Exception {
            InMemoryStore store = new InMemoryStore(0);
            store.namespace("gradle").setMaxSize(1000);
            try (ServerFixture f = new ServerFixture(ServerConfig.listen("127.0.0.1", 0), store)) {
                HttpResponse<String> r = f.send("PUT", "/cache/0123456789abcdef", random(5000, 4));
                assertEquals(413, r.statusCode());
                assertTrue(r.body().contains("exceeds"), r.body());
                assertEquals(0, store.namespace("gradle").stats().entries());
            }
        }

        @Test
        void maxBlobSizeIs413BeforeTheBodyIsSent() throws Exception {
            InMemoryStore store = new InMemoryStore(0);
            ServerConfig config = new ServerConfig("127.0.0.1", 0, DataSize.ofBytes(1024), null, null, null, null,
                    null);
            try (ServerFixture f = new ServerFixture(config, store);
                 Socket s = new Socket("127.0.0.1", f.base.getPort())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(("PUT /cache/0123456789abcdef HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n"
                        + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = readLine(s.getInputStream());
                assertEquals("HTTP/1.1 413 Payload Too Large", status);
                assertEquals(0, store.namespace("gradle").stats().entries());
                // A chunked body (no Content-Length) is cut off once it passes the limit.
                HttpResponse<String> chunked = f.http.send(HttpRequest.newBuilder(f.base.resolve("/cache/abcd"))
                        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                                random(10_000, 5)))).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(413, chunked.statusCode());
                assertEquals(0, store.namespace("gradle").stats().entries());
            }
        }

        @Test
        void expectContinueGets100ThenStores() throws Exception {
            InMemoryStore store = new InMemoryStore(0);
            try (ServerFixture f = new ServerFixture(ServerConfig.listen("127.0.0.1", 0), store);
                 Socket s = new Socket("127.0.0.1", f.base.getPort())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(("PUT /cache/0123456789abcdef HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                        + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("HTTP/1.1 100 Continue", readLine(in));
                assertEquals("", readLine(in));
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("HTTP/1.1 201 Created", readLine(in));
                assertArrayEquals("hello".getBytes(), store.namespace("gradle").getBytes("0123456789abcdef", "output")
                        .orElseThrow());
            }
        }

        @Test
        void abortedUploadLeavesNothingStagedOrStored(@TempDir Path staging) throws Exception {
            InMemoryStore store = new InMemoryStore(0);
            ServerConfig config = new ServerConfig("127.0.0.1", 0, null, null, staging.toString(), null, null, null);
            try (ServerFixture f = new ServerFixture(config, store)) {
                try (Socket s = new Socket("127.0.0.1", f.base.getPort())) {
                    OutputStream out = s.getOutputStream();
                    // Declared above the in-memory staging limit: staged in a temp file.
                    out.write(("PUT /cache/0123456789abcdef HTTP/1.1\r\nHost: x\r\nContent-Length: 8388608\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(random(200_000, 6));
                    out.flush();
                    ServerFixture.await("the upload to be staged", () -> count(staging) == 1);
                }
                ServerFixture.await("the staged upload to be removed", () -> count(staging) == 0);
                assertEquals(0, store.namespace("gradle").stats().entries());
                assertEquals(0, store.puts());
                // The server still works afterwards.
                assertEquals(201, f.send("PUT", "/cache/0123456789abcdef", "ok".getBytes()).statusCode());
                assertEquals(0, count(staging));
            }
        }

        @Test
        void abortedUploadStagedInMemoryLeavesNothing(@TempDir Path staging) throws Exception {
            InMemoryStore store = new InMemoryStore(0);
            ServerConfig config = new ServerConfig("127.0.0.1", 0, null, null, staging.toString(), null, null, null);
            try (ServerFixture f = new ServerFixture(config, store)) {
                try (Socket s = new Socket("127.0.0.1", f.base.getPort())) {
                    OutputStream out = s.getOutputStream();
                    out.write(("PUT /cache/0123456789abcdef HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(random(200_000, 6));
                    out.flush();
                    ServerFixture.await("the upload to be staged in memory",
                            () -> f.server.status().toString().contains("memoryBytes=1048576"));
                    assertEquals(0, count(staging), "a 1 MiB body is not written to a staging file");
                }
                ServerFixture.await("the staged memory to be freed",
                        () -> f.server.status().toString().contains("memoryBytes=0"));
                assertEquals(0, store.puts());
                byte[] body = random(1 << 20, 7);
                assertEquals(201, f.send("PUT", "/cache/0123456789abcdef", body).statusCode());
                assertArrayEquals(body, store.namespace("gradle").getBytes("0123456789abcdef", "output")
                        .orElseThrow());
                assertEquals(0, count(staging));
                assertTrue(f.server.status().toString().contains("memoryBytes=0"), "freed after the put");
            }
        }

        private static long count(Path dir) {
            try (Stream<Path> s = Files.list(dir)) {
                return s.count();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Nested
    class Reconfigure {
        @Test
        void readOnlyAppliesLiveAndPortNeedsARestart() throws Exception {
            InMemoryStore store = new InMemoryStore(0);
            try (ServerFixture f = new ServerFixture(ServerConfig.listen("127.0.0.1", 0), store)) {
                assertEquals(201, f.send("PUT", "/cache/0123456789abcdef", "a".getBytes()).statusCode());
                List<String> restart = f.server.reconfigure(
                        new ServerConfig("127.0.0.1", 9999, DataSize.ofBytes(10), true, null, null, null, null));
                assertEquals(List.of("server.port"), restart);
                HttpResponse<String> r = f.send("PUT", "/cache/0123456789abcdef", "b".getBytes());
                assertEquals(403, r.statusCode());
                assertEquals("the server is read-only\n", r.body());
                assertEquals(200, f.send("GET", "/cache/0123456789abcdef", null).statusCode());
                f.server.reconfigure(new ServerConfig("127.0.0.1", 0, DataSize.ofBytes(10), false, null, null, null,
                        null));
                assertEquals(413, f.send("PUT", "/cache/0123456789abcdef", new byte[11]).statusCode());
            }
        }
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }
}
