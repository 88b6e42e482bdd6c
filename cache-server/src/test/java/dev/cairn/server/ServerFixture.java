package dev.cairn.server;

import dev.cairn.spi.MetricSample;
import dev.cairn.spi.StatusSource;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.store.Store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** A started {@link CacheServer} on a free port plus helpers for the JDK client and real curl. */
final class ServerFixture implements AutoCloseable {
    /** The host part of the status that the fake host contributes. */
    static final StatusSource HOST = new StatusSource() {
        @Override
        public Map<String, Object> status() {
            return Map.of("plugins", List.of("fake-plugin"));
        }

        @Override
        public List<MetricSample> metrics() {
            return List.of(MetricSample.gauge("cairn_host_test_gauge", "A host sample.", 42));
        }
    };

    final CacheServer server;
    final List<String> listening = new CopyOnWriteArrayList<>();
    final HttpClient http;
    final URI base;

    ServerFixture(ServerConfig config, Store store) throws Exception {
        this(config, store, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    ServerFixture(ServerConfig config, Store store, HttpClient http) throws Exception {
        this(config, store, null, http);
    }

    ServerFixture(ServerConfig config, Store store, FilePool pool, HttpClient http) throws Exception {
        this.server = new CacheServer(config, store, pool, HOST, listening::add);
        server.start();
        this.http = http;
        this.base = server.uri();
    }

    HttpResponse<String> send(String method, String path, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Runs curl; returns its stdout (with {@code -w} output). */
    static String curl(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("curl hung: " + cmd);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** curl printing only the status code. */
    String curlStatus(String... args) throws IOException, InterruptedException {
        List<String> a = new ArrayList<>(List.of("-o", "/dev/null", "-w", "%{http_code}"));
        a.addAll(List.of(args));
        return curl(a).strip();
    }

    String url(String path) {
        return base.resolve(path).toString();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
