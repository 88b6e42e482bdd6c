package dev.cairn.it.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** curl against {@code cairn serve} of the distribution, backed by the disk store plugin. */
@Timeout(300)
class CacheServeCurlTest {
    @TempDir
    Path dir;

    private String curl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        cmd.addAll(List.of(args));
        CairnServe.Result r = CairnServe.run(dir, Map.of(), cmd.toArray(new String[0]));
        assertEquals(0, r.exit(), r.output());
        return r.output();
    }

    private String code(String... args) throws Exception {
        List<String> a = new java.util.ArrayList<>(List.of("-o", "/dev/null", "-w", "%{http_code}"));
        a.addAll(List.of(args));
        return curl(a.toArray(new String[0])).strip();
    }

    @Test
    void bazelGradleAndWebDavOverTheDiskStoreSurviveARestart() throws Exception {
        Path blob = Files.write(dir.resolve("blob"), "bazel output\n".repeat(10_000).getBytes(StandardCharsets.UTF_8));
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(blob)));
        try (CairnServe serve = CairnServe.start(dir, "")) {
            assertEquals("404", code(serve.url("/cas/" + hash)));
            assertEquals("201", code("-X", "PUT", "--data-binary", "@" + blob, serve.url("/cas/" + hash)));
            String wrong = "0".repeat(64);
            String mismatch = curl("-X", "PUT", "--data-binary", "@" + blob, "-w", "%{http_code}",
                    serve.url("/cas/" + wrong));
            assertTrue(mismatch.startsWith("content hashes to " + hash) && mismatch.endsWith("400"), mismatch);
            assertEquals("404", code(serve.url("/cas/" + wrong)), "nothing stored on a hash mismatch");
            assertEquals("201", code("-X", "PUT", "--data-binary", "gradle", serve.url("/cache/0123456789abcdef")));
            assertEquals("201", code("-X", "MKCOL", serve.url("/sccache/a/")));
            assertEquals("201", code("-X", "PUT", "--data-binary", "dav", serve.url("/sccache/a/b/c/abc")));
            assertEquals("207", code("-X", "PROPFIND", "-H", "Depth: 0", serve.url("/sccache/a/b/c/abc")));
            assertEquals("400", code("--path-as-is", serve.url("/cas/../../../etc/passwd")));
            String metrics = curl(serve.url("/metrics"));
            assertTrue(metrics.contains("cairn_cache_puts_total{namespace=\"bazel-cas\"} 1"), metrics);
        }
        try (CairnServe again = CairnServe.start(dir, "")) {
            Path out = dir.resolve("out");
            assertEquals("200", curl("-o", out.toString(), "-w", "%{http_code}", again.url("/cas/" + hash)));
            assertEquals(Files.readAllBytes(blob).length, Files.size(out));
            assertEquals("gradle", curl(again.url("/cache/0123456789abcdef")));
            assertEquals("dav", curl(again.url("/sccache/a/b/c/abc")));
            String status = curl(again.url("/status"));
            assertTrue(status.contains("\"bazel-cas\""), status);
            assertTrue(status.contains("\"plugins\""), "the host's part of the status: " + status);
        }
    }

    @Test
    void maxBlobSizeFromTheConfigIsEnforcedWith413() throws Exception {
        Path big = Files.write(dir.resolve("big"), new byte[4096]);
        try (CairnServe serve = CairnServe.start(dir, ", maxBlobSize: 1KiB")) {
            assertEquals("413", code("-X", "PUT", "-H", "Expect: 100-continue", "--data-binary", "@" + big,
                    serve.url("/cache/0123456789abcdef")));
            assertEquals("404", code(serve.url("/cache/0123456789abcdef")));
            assertEquals("201", code("-X", "PUT", "--data-binary", "small", serve.url("/cache/0123456789abcdef")));
        }
    }
}
