package dev.cairn.it.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's Bazel ({@code bazel-bootstrap}) with {@code --remote_cache} pointed at {@code cairn serve} under an
 * instance path: the second build, with a fresh output root, must take its action from the remote cache.
 */
@Timeout(600)
class BazelRemoteCacheTest {
    @TempDir
    Path dir;

    private CairnServe.Result bazel(Path ws, String outputRoot, String remote) throws Exception {
        return CairnServe.run(ws, Map.of(), "bazel", "--batch", "--nohome_rc",
                "--output_user_root=" + dir.resolve(outputRoot), "build", "--remote_cache=" + remote,
                "--spawn_strategy=local", "--noshow_progress", "//:shout");
    }

    @Test
    void secondBuildWithAFreshOutputRootIsARemoteCacheHit() throws Exception {
        boolean installed;
        try {
            installed = CairnServe.run(dir, Map.of(), "bazel", "--version").exit() == 0;
        } catch (IOException e) {
            installed = false;
        }
        Assumptions.assumeTrue(installed, "bazel is not installed (apt-get install bazel-bootstrap)");
        Path ws = Files.createDirectories(dir.resolve("ws"));
        Files.writeString(ws.resolve("WORKSPACE"), "");
        Files.writeString(ws.resolve("in.txt"), "hello from bazel\n");
        Files.writeString(ws.resolve("BUILD"), "genrule(name = \"shout\", srcs = [\"in.txt\"], outs = [\"out.txt\"],"
                + " cmd = \"tr a-z A-Z < $< > $@\")\n");
        try (CairnServe serve = CairnServe.start(dir, "")) {
            String remote = serve.url("/ci");
            CairnServe.Result first = bazel(ws, "root1", remote);
            assertEquals(0, first.exit(), first.output());
            assertTrue(!first.output().contains("remote cache hit"), first.output());
            CairnServe.Result second = bazel(ws, "root2", remote);
            assertEquals(0, second.exit(), second.output());
            assertTrue(second.output().contains("1 remote cache hit"), second.output());
            assertEquals("HELLO FROM BAZEL\n", Files.readString(ws.resolve("bazel-bin/out.txt")));

            JsonNode ns = new ObjectMapper().readTree(HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(serve.url("/status"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("namespaces");
            assertTrue(ns.get("bazel-ac--ci").get("hits").asLong() >= 1, ns.toString());
            assertTrue(ns.get("bazel-cas--ci").get("entries").asLong() >= 1, ns.toString());
            assertEquals(0, ns.get("bazel-ac").get("entries").asLong(), "the instance path kept it apart");
        } finally {
            // Bazel leaves its output roots read-only; make them deletable for @TempDir.
            CairnServe.run(dir, Map.of(), "chmod", "-R", "u+w", dir.toString());
        }
    }
}
