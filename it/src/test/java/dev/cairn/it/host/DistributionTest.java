package dev.cairn.it.host;

import dev.cairn.it.ServeProcess;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The assembled distribution, run through bin/cairn as an operator would. */
class DistributionTest {
    private static Path dist;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findDistribution() {
        dist = Path.of(System.getProperty("cairn.dist")).toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(dist.resolve("bin/cairn")), "no distribution at " + dist);
    }

    record Run(int code, String out, String err) {
        String firstErrLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    private static Run cairn(Path home, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/cairn").toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("CAIRN_CONFIG");
        Path out = Files.createTempFile("cairn-out", ".txt");
        Path err = Files.createTempFile("cairn-err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "cairn " + String.join(" ", args) + " did not finish");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A copy of the distribution we may add files to. */
    private Path copyOfDistribution() throws IOException {
        Path home = tmp.resolve("cairn");
        try (Stream<Path> files = Files.walk(dist)) {
            for (Path f : files.filter(f -> !f.startsWith(dist.resolve("var"))).toList()) {
                Path target = home.resolve(dist.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return home;
    }

    @Test
    void pluginsListsEveryPluginOfTheRepository() throws Exception {
        Run r = cairn(dist, "plugins");
        assertEquals(0, r.code(), r.err());
        for (String id : List.of("disk-cache", "s3-cache", "bitmap-allocator", "fuse-lazydir", "sparse-sync", "layerfs")) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(id) + "\\s+0\\.1\\.0\\s+STARTED\\s+.*cairn-plugin-"
                    + Pattern.quote(id) + "-0\\.1\\.0\\.jar$").matcher(r.out());
            assertTrue(m.find(), id + " missing in:\n" + r.out());
        }
        assertTrue(r.out().contains("store:disk") && r.out().contains("io mode:direct"), r.out());
    }

    @Test
    void helpListsPluginCommands() throws Exception {
        Run r = cairn(dist, "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Plugin commands"), r.out());
        assertTrue(r.out().contains("sync") && r.out().contains("builddir"), r.out());
    }

    @Test
    void theShippedConfigIsValid() throws Exception {
        Run r = cairn(dist, "config", "check");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("config OK: " + dist.resolve("conf/cairn.yaml")), r.out());
        assertTrue(r.out().contains("cache.stores[0]: disk"), r.out());
    }

    @Test
    void aConfigErrorExitsTwoNamingTheKey() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), "cache: {stores: [{type: disk, maxSize: huge}]}\n");
        Run r = cairn(dist, "config", "check", "--config", bad.toString());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.firstErrLine().startsWith("cairn: configuration error: cache.stores[0].maxSize:"), r.err());
        Path unknown = Files.writeString(tmp.resolve("unknown.yaml"), "cache: {stores: [{type: redis}]}\n");
        Run u = cairn(dist, "--config", unknown.toString(), "config", "check");
        assertEquals(2, u.code());
        assertTrue(u.firstErrLine().contains("unknown store 'redis'; available: disk (plugin disk-cache), s3 (plugin s3-cache)"),
                u.firstErrLine());
    }

    @Test
    void aCorruptPluginJarStopsStartUpNamingTheFile() throws Exception {
        Path home = copyOfDistribution();
        Path corrupt = home.resolve("plugins/cairn-plugin-broken-1.0.jar");
        Files.write(corrupt, new byte[]{'P', 'K', 3, 4, 0, 0, 1, 2, 3});
        Run r = cairn(home, "plugins");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.firstErrLine().startsWith("cairn: plugin error: plugin file " + corrupt + " is corrupt"),
                r.firstErrLine());
    }

    @Test
    @Timeout(120)
    void serveAnswersStatusAndStopsCleanlyOnSigterm() throws Exception {
        Path config = Files.writeString(tmp.resolve("serve.yaml"), """
                server: {host: 127.0.0.1, port: 0}
                cache: {stores: [{type: disk, dir: %s, maxSize: 64MiB}]}
                """.formatted(tmp.resolve("cache")));
        ServeProcess serve = ServeProcess.start(config, java.util.Map.of());
        try {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> status = client.send(HttpRequest.newBuilder(serve.base().resolve("/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode());
            assertTrue(status.body().contains("disk-cache"), status.body());
            HttpResponse<String> put = client.send(HttpRequest.newBuilder(serve.base().resolve("/cache/0123abcd"))
                    .PUT(HttpRequest.BodyPublishers.ofString("kept")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(2, put.statusCode() / 100, put.body());
        } finally {
            serve.close(); // SIGTERM
        }
        Process p = serve.process();
        List<String> lines = serve.output();
        assertEquals(143, p.exitValue(), "exit status of a JVM stopped by SIGTERM");
        assertTrue(lines.stream().anyMatch(l -> l.contains("cairn stopped")), "no clean stop logged: " + lines);
    }
}
