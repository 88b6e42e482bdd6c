package dev.cairn.it.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's ccache with {@code remote_storage} pointed at {@code cairn serve}: a small C project built twice, each
 * time with an empty local cache, must come from the remote on the second build.
 */
@Timeout(300)
class CcacheRemoteStorageTest {
    private static final List<String> SOURCES = List.of("add.c", "mul.c", "main.c");

    @TempDir
    static Path dir;
    static CairnServe serve;

    @BeforeAll
    static void start() throws Exception {
        CairnServe.Result version = CairnServe.run(dir, Map.of(), "ccache", "--version");
        assertEquals(0, version.exit(), "ccache must be installed (apt-get install ccache): " + version.output());
        serve = CairnServe.start(dir, "");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (serve != null) {
            serve.close();
        }
    }

    private static Path project(String name) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src-" + name));
        Files.writeString(src.resolve("add.c"), "int add(int a, int b) { return a + b; } /* " + name + " */\n");
        Files.writeString(src.resolve("mul.c"), "#include <stdio.h>\nint mul(int a, int b) { return a * b; }\n");
        Files.writeString(src.resolve("main.c"), "int add(int, int); int mul(int, int);\n"
                + "int main(void) { return add(2, 3) - mul(1, 5); }\n");
        return src;
    }

    /** Builds the project with a fresh, empty local cache; returns ccache's counters. */
    private static Map<String, Long> build(Path src, String remote, String localCache) throws Exception {
        Path ccacheDir = dir.resolve(localCache);
        Path config = dir.resolve(localCache + ".conf");
        Files.writeString(config, "");
        Map<String, String> env = new HashMap<>();
        env.put("CCACHE_DIR", ccacheDir.toString());
        env.put("CCACHE_CONFIGPATH", config.toString());
        env.put("CCACHE_REMOTE_STORAGE", remote);
        for (String source : SOURCES) {
            CairnServe.Result cc = CairnServe.run(src, env, "ccache", "gcc", "-O2", "-c", source, "-o",
                    source.replace(".c", ".o"));
            assertEquals(0, cc.exit(), cc.output());
        }
        CairnServe.Result link = CairnServe.run(src, Map.of(), "gcc", "add.o", "mul.o", "main.o", "-o", "prog");
        assertEquals(0, link.exit(), link.output());
        CairnServe.Result stats = CairnServe.run(src, env, "ccache", "--print-stats");
        assertEquals(0, stats.exit(), stats.output());
        Map<String, Long> counters = new HashMap<>();
        for (String line : stats.output().split("\n")) {
            String[] kv = line.split("\t");
            if (kv.length == 2 && kv[1].matches("[0-9]+")) {
                counters.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        assertTrue(counters.containsKey("remote_storage_hit"), stats.output());
        return counters;
    }

    @ParameterizedTest(name = "layout={0}")
    @CsvSource({"subdirs, /ccache", "flat, /ccache-flat", "bazel, /ccache-bazel"})
    void secondBuildWithAnEmptyLocalCacheHitsTheRemote(String layout, String path) throws Exception {
        String remote = serve.url(path) + "|layout=" + layout;
        Path src = project(layout);
        Map<String, Long> first = build(src, remote, "local-" + layout + "-1");
        assertEquals(0, first.get("remote_storage_hit"), first.toString());
        assertEquals(SOURCES.size(), first.get("cache_miss"), first.toString());
        assertTrue(first.get("remote_storage_write") >= SOURCES.size(), first.toString());
        assertEquals(0, first.getOrDefault("remote_storage_error", 0L), first.toString());

        Map<String, Long> second = build(src, remote, "local-" + layout + "-2");
        assertEquals(SOURCES.size(), second.get("remote_storage_hit"), second.toString());
        assertEquals(0, second.get("cache_miss"), second.toString());
        assertEquals(0, second.get("local_storage_hit"), "the local cache was empty: " + second);

        String namespace = layout.equals("bazel") ? "bazel-ac--ccache-bazel" : "files";
        JsonNode status = new ObjectMapper().readTree(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(serve.url("/status"))).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        JsonNode ns = status.get("namespaces").get(namespace);
        assertTrue(ns.get("hits").asLong() >= SOURCES.size(), status.toString());
        assertTrue(ns.get("entries").asLong() >= SOURCES.size(), status.toString());
    }
}
