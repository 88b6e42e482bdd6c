package dev.cairn.sparse;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import dev.cairn.spi.MetricSample;
import dev.cairn.spi.io.FileIoProcessorFactory;
import dev.cairn.spi.service.Service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The sync server: HTTP endpoints in the spirit of sparse-tools' ssync, one target file per session, every target
 * confined to the root. Endpoints (all under {@code /v1}):
 * <ul>
 *   <li>{@code POST /open?path=&size=&session=}: open or create the target, set its size; answers {@code existed=true|false}.
 *       The client picks the session id, so a retried open joins the same session.</li>
 *   <li>{@code POST /session/<id>/hole?offset=&length=}: punch a hole (size kept).</li>
 *   <li>{@code GET /session/<id>/layout}: the target's intervals, one {@code D|H offset length} per line.</li>
 *   <li>{@code GET /session/<id>/checksum?offset=&length=}: SHA-256 of the range, hex.</li>
 *   <li>{@code PUT /session/<id>/data?offset=}: write the body at the offset.</li>
 *   <li>{@code PUT /session/<id>/batch?offset=&length=&ranges=<offset>:<length>,...}: write the data ranges of one
 *       batch (in order, inside the batch); the body is their bytes, concatenated. The server keeps the batch's
 *       digest (of what it wrote, and of the file's content between the ranges), so that the verification at commit
 *       reads back only batches it did not write or checksum in this session.</li>
 *   <li>{@code POST /session/<id>/commit[?digest=&batch=]}: fsync, close; with a digest, compare it with the target's own
 *       whole-file digest and record it when equal (409 when not).</li>
 *   <li>{@code POST /session/<id>/close}: close without recording (the client gave up).</li>
 *   <li>{@code GET /record?path=}: the digest recorded by the last verified sync, 404 when none is valid.</li>
 * </ul>
 * Errors: 400 bad request, 401 bad token, 403 path outside the root, 404 unknown session, 409 target busy in another
 * session, 500 I/O failure; the body is one line of text.
 */
final class SyncServer implements Service {
    /** Lets tests fail requests on purpose: returns a status to answer instead, or 0 to serve normally. */
    interface Faults {
        int statusFor(String method, String operation);
    }

    private final SyncServerConfig config;
    private final Path root;
    private final FileIoProcessorFactory io;
    private final Clock clock;
    private final Consumer<String> listening;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong bytesReceived = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong sessionsExpired = new AtomicLong();
    private volatile Faults faults = (m, o) -> 0;
    private Server server;
    private ServerConnector connector;
    private ScheduledExecutorService reaper;

    /** One request and its response: what the endpoints need of the HTTP server. */
    private interface Exchange {
        String method();

        String rawPath();

        String rawQuery();

        String header(String name);

        InputStream body();

        void reply(int status, String body) throws IOException;

        /** Ends the exchange with a failure when no answer could be sent (the server answers 500 or resets). */
        void abort(Throwable cause);
    }

    /** Read buffer per connection: a 2 MiB batch arrives in a few reads instead of 8 KiB ones. */
    private static final int INPUT_BUFFER = 1 << 20;

    private static final class Session {
        final String id;
        final String relative;
        final TargetFile target;
        final AtomicLong lastUsed;
        final AtomicInteger inFlight = new AtomicInteger();

        Session(String id, String relative, TargetFile target, long now) {
            this.id = id;
            this.relative = relative;
            this.target = target;
            this.lastUsed = new AtomicLong(now);
        }
    }

    private static final class HttpError extends Exception {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    SyncServer(SyncServerConfig config, Path root, FileIoProcessorFactory io, Clock clock, Consumer<String> listening) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.root = Objects.requireNonNull(root, "root is null");
        this.io = Objects.requireNonNull(io, "io is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.listening = Objects.requireNonNull(listening, "listening is null");
    }

    void faults(Faults faults) {
        this.faults = Objects.requireNonNull(faults, "faults is null");
    }

    /** @return the bound port (after {@link #start()}) */
    int port() {
        return connector.getLocalPort();
    }

    /** @return the base URL, e.g. {@code http://127.0.0.1:8555} */
    String url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + host + ":" + port();
    }

    int openSessions() {
        return sessions.size();
    }

    long bytesReceived() {
        return bytesReceived.get();
    }

    @Override
    public synchronized void start() throws IOException {
        Files.createDirectories(root);
        Path realRoot = root.toRealPath();
        if (!realRoot.equals(root.toAbsolutePath().normalize())) {
            throw new IOException("sync-server root " + root + " must not be (or lie under) a symbolic link; use "
                    + realRoot);
        }
        // Jetty rather than the JDK's server: that one reads request bodies 8 KiB at a time through two heap copies.
        QueuedThreadPool threads = new QueuedThreadPool(config.threads() + 4, Math.min(4, config.threads() + 2));
        threads.setName("cairn-sync-http");
        threads.setDaemon(true);
        // Jetty's default pool keeps buffers up to 64 KiB only: a 1 MiB read buffer would be allocated (and zeroed)
        // afresh for every fill. Pool them, in 64 KiB steps up to 2 MiB.
        server = new Server(threads, null, new ArrayByteBufferPool(0, 64 << 10, 2 * INPUT_BUFFER));
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        HttpConnectionFactory factory = new HttpConnectionFactory(http);
        factory.setInputBufferSize(INPUT_BUFFER);
        connector = new ServerConnector(server, 1, 1, factory);
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setAcceptQueueSize(64);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                serve(jetty(request, response, callback));
                return true;
            }
        });
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly();
            throw e;
        } catch (Exception e) {
            stopQuietly();
            throw new IOException("sync-server could not start on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        reaper = Executors.newSingleThreadScheduledExecutor(daemon("cairn-sync-reaper"));
        long tick = Math.max(10, Math.min(1000, config.idleTimeout().toMillis() / 4));
        reaper.scheduleWithFixedDelay(this::reapIdle, tick, tick, TimeUnit.MILLISECONDS);
        listening.accept(url());
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            stopQuietly(); // every request is idempotent and a rerun resumes: no need to wait for stragglers
            if (reaper != null) {
                reaper.shutdownNow();
            }
            server = null;
        }
        for (Session s : new ArrayList<>(sessions.values())) {
            closeQuietly(s);
        }
    }

    private void stopQuietly() {
        try {
            server.setStopTimeout(0);
            server.stop();
        } catch (Exception e) {
            System.getLogger(SyncServer.class.getName()).log(System.Logger.Level.WARNING, "stopping the sync-server", e);
        }
    }

    private static Exchange jetty(Request request, Response response, Callback callback) {
        return new Exchange() {
            private InputStream body;
            private boolean replied;

            @Override
            public String method() {
                return request.getMethod();
            }

            @Override
            public String rawPath() {
                return request.getHttpURI().getPath();
            }

            @Override
            public String rawQuery() {
                return request.getHttpURI().getQuery();
            }

            @Override
            public String header(String name) {
                return request.getHeaders().get(name);
            }

            @Override
            public InputStream body() {
                if (body == null) {
                    body = Content.Source.asInputStream(request);
                }
                return body;
            }

            @Override
            public void reply(int status, String text) {
                byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
                response.setStatus(status);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
                if (status == 429) {
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, "0");
                }
                replied = true;
                response.write(true, ByteBuffer.wrap(bytes), callback);
            }

            @Override
            public void abort(Throwable cause) {
                if (!replied) {
                    replied = true;
                    callback.failed(cause);
                }
            }
        };
    }

    /** Closes sessions idle for longer than the idle timeout; nothing is recorded for them. */
    void reapIdle() {
        long now = clock.millis();
        long limit = config.idleTimeout().toMillis();
        for (Session s : new ArrayList<>(sessions.values())) {
            if (s.inFlight.get() == 0 && now - s.lastUsed.get() > limit) {
                sessionsExpired.incrementAndGet();
                closeQuietly(s);
            }
        }
    }

    private void closeQuietly(Session s) {
        if (sessions.remove(s.id, s)) {
            try {
                s.target.close();
            } catch (IOException e) {
                System.getLogger(SyncServer.class.getName()).log(System.Logger.Level.WARNING,
                        "closing session " + s.id + " for " + s.relative + " failed", e);
            }
        }
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", server == null ? "" : url());
        m.put("root", root.toString());
        m.put("sessions", sessions.size());
        m.put("sessionsExpired", sessionsExpired.get());
        m.put("requests", requests.get());
        m.put("bytesReceived", bytesReceived.get());
        return m;
    }

    @Override
    public List<MetricSample> metrics() {
        return List.of(MetricSample.gauge("cairn_sync_sessions", "Open sync sessions", sessions.size()),
                new MetricSample("cairn_sync_bytes_received_total", "Data bytes written by sync clients", "counter",
                        Map.of(), bytesReceived.get()),
                new MetricSample("cairn_sync_requests_total", "Sync server requests", "counter", Map.of(),
                        requests.get()));
    }

    private void serve(Exchange ex) {
        requests.incrementAndGet();
        try {
            try {
                authorize(ex);
                String rawPath = ex.rawPath();
                if (rawPath == null || !rawPath.startsWith("/v1/")) {
                    throw new HttpError(404, "no such endpoint: " + ex.method() + " " + rawPath);
                }
                String[] parts = rawPath.substring("/v1/".length()).split("/");
                Map<String, String> q = query(ex.rawQuery());
                String method = ex.method();
                String operation = parts.length == 3 && parts[0].equals("session") ? parts[2] : parts[0];
                int injected = faults.statusFor(method, operation);
                if (injected != 0) {
                    drain(ex.body());
                    throw new HttpError(injected, "injected failure");
                }
                if (parts.length == 1 && parts[0].equals("open") && method.equals("POST")) {
                    reply(ex, 200, "existed=" + open(q));
                } else if (parts.length == 1 && parts[0].equals("record") && method.equals("GET")) {
                    Path file = TargetPaths.resolve(root, require(q, "path"));
                    var recorded = Files.isRegularFile(file) ? SyncRecord.read(file) : java.util.Optional.<String>empty();
                    if (recorded.isEmpty()) {
                        throw new HttpError(404, "no valid sync record for " + q.get("path"));
                    }
                    reply(ex, 200, recorded.get());
                } else if (parts.length == 3 && parts[0].equals("session")) {
                    session(ex, parts[1], parts[2], method, q);
                } else {
                    throw new HttpError(404, "no such endpoint: " + method + " " + rawPath);
                }
            } catch (HttpError e) {
                failed(ex, e.status, e.getMessage());
            } catch (TargetPathException e) {
                failed(ex, 403, e.getMessage());
            } catch (IllegalArgumentException e) {
                failed(ex, 400, e.getMessage());
            } catch (IOException | RuntimeException e) {
                failed(ex, 500, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } catch (IOException | RuntimeException | Error e) {
            System.getLogger(SyncServer.class.getName()).log(System.Logger.Level.DEBUG, "answering failed", e);
            ex.abort(e);
            if (e instanceof Error error) {
                throw error;
            }
        }
    }

    private void session(Exchange ex, String id, String op, String method, Map<String, String> q)
            throws IOException, HttpError {
        Session s = sessions.get(id);
        if (s == null) {
            drain(ex.body());
            throw new HttpError(404, "unknown or expired session " + id);
        }
        s.inFlight.incrementAndGet();
        try {
            s.lastUsed.set(clock.millis());
            switch (method + " " + op) {
                case "POST hole" -> {
                    s.target.punchHole(number(q, "offset"), number(q, "length"));
                    reply(ex, 200, "ok");
                }
                case "GET layout" -> reply(ex, 200, LayoutText.format(s.target.layout()));
                case "GET checksum" -> reply(ex, 200,
                        ContentDigest.hex(s.target.checksum(number(q, "offset"), intNumber(q, "length"))));
                case "PUT data" -> {
                    long offset = number(q, "offset");
                    int length = contentLength(ex);
                    byte[] body = buffer(length);
                    readFully(ex.body(), body, 0, length);
                    s.target.write(offset, body, 0, length);
                    bytesReceived.addAndGet(length);
                    reply(ex, 200, "ok");
                }
                case "PUT batch" -> {
                    long offset = number(q, "offset");
                    int length = intNumber(q, "length");
                    if (length > MAX_BODY) {
                        throw new IllegalArgumentException("'length' must be at most " + MAX_BODY + ": " + length);
                    }
                    List<dev.cairn.spi.io.Interval> ranges = ranges(require(q, "ranges"), offset, length);
                    long total = ranges.stream().mapToLong(dev.cairn.spi.io.Interval::length).sum();
                    if (contentLength(ex) != total) {
                        throw new IllegalArgumentException("the body must hold the ranges' " + total + " bytes");
                    }
                    byte[] batch = buffer(length);
                    InputStream in = ex.body();
                    for (dev.cairn.spi.io.Interval d : ranges) {
                        readFully(in, batch, (int) (d.offset() - offset), (int) d.length());
                    }
                    s.target.writeBatch(offset, length, ranges, batch);
                    bytesReceived.addAndGet(total);
                    reply(ex, 200, "ok");
                }
                case "POST commit" -> {
                    String digest = q.get("digest");
                    byte[] expected = digest == null ? null : parseHex(digest);
                    int batch = expected == null ? 0 : intNumber(q, "batch");
                    sessions.remove(id, s);
                    try {
                        s.target.commit(expected, batch);
                    } catch (VerificationException e) {
                        throw new HttpError(409, e.getMessage());
                    }
                    reply(ex, 200, "ok");
                }
                case "POST close" -> {
                    closeQuietly(s);
                    reply(ex, 200, "ok");
                }
                default -> throw new HttpError(404, "no such endpoint: " + method + " " + op);
            }
        } finally {
            s.lastUsed.set(clock.millis());
            s.inFlight.decrementAndGet();
        }
    }

    private String open(Map<String, String> q) throws IOException, HttpError {
        String relative = require(q, "path");
        long size = number(q, "size");
        String id = require(q, "session");
        if (!id.matches("[A-Za-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("session must be 1-64 letters, digits or '-'");
        }
        Path file = TargetPaths.resolve(root, relative);
        synchronized (sessions) {
            Session existing = sessions.get(id);
            if (existing != null) {
                if (!existing.relative.equals(relative)) {
                    throw new HttpError(409, "session " + id + " is for " + existing.relative);
                }
                return "true";
            }
            for (Session other : sessions.values()) {
                if (other.target.path().equals(file)) {
                    throw new HttpError(409, "target " + relative + " is busy in another session");
                }
            }
            TargetFile target = new TargetFile(file, io);
            boolean existed = target.open(size);
            sessions.put(id, new Session(id, relative, target, clock.millis()));
            return Boolean.toString(existed);
        }
    }

    private void authorize(Exchange ex) throws HttpError {
        String token = config.token();
        if (token == null) {
            return;
        }
        String header = ex.header("Authorization");
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        if (header == null || !MessageDigest.isEqual(expected, header.getBytes(StandardCharsets.UTF_8))) {
            throw new HttpError(401, header == null ? "authorization required (Bearer token)" : "invalid token");
        }
    }

    /** Answers an error after reading what is left of the body, so the client's connection stays usable. */
    private static void failed(Exchange ex, int status, String message) throws IOException {
        try {
            drain(ex.body());
        } catch (IOException ignored) {
            // the answer matters more; the connection is closed with the exchange if it is broken
        }
        reply(ex, status, message);
    }

    private static void reply(Exchange ex, int status, String body) throws IOException {
        ex.reply(status, body);
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    /** Largest request body (and batch) accepted: 64 MiB (each request thread keeps a buffer of the largest it saw). */
    static final int MAX_BODY = 64 << 20;
    private static final ThreadLocal<byte[]> BODIES = new ThreadLocal<>();

    /** @return this thread's body buffer, of at least {@code size} bytes (reused: every request is served whole) */
    private static byte[] buffer(int size) {
        byte[] b = BODIES.get();
        if (b == null || b.length < size) {
            b = new byte[Math.max(size, 1 << 20)];
            BODIES.set(b);
        }
        return b;
    }

    private static int contentLength(Exchange ex) {
        String v = ex.header("Content-Length");
        if (v == null) {
            throw new IllegalArgumentException("a Content-Length is required");
        }
        long n;
        try {
            n = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad Content-Length: " + v);
        }
        if (n < 0 || n > MAX_BODY) {
            throw new IllegalArgumentException("the body must be 0.." + MAX_BODY + " bytes, not " + n);
        }
        return (int) n;
    }

    private static void readFully(InputStream in, byte[] b, int from, int length) throws IOException {
        if (in.readNBytes(b, from, length) != length) {
            throw new java.io.EOFException("request body ended early");
        }
    }

    /** Parses {@code o:l,o:l}: ranges in order, not overlapping, non-empty, inside the batch. */
    static List<dev.cairn.spi.io.Interval> ranges(String text, long offset, int length) {
        List<dev.cairn.spi.io.Interval> out = new ArrayList<>();
        long pos = offset;
        for (String part : text.split(",")) {
            int colon = part.indexOf(':');
            long o;
            long l;
            try {
                o = Long.parseLong(part.substring(0, Math.max(0, colon)));
                l = Long.parseLong(part.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'ranges' must be <offset>:<length>,...: " + text);
            }
            if (l <= 0 || o < pos || o + l > offset + length) {
                throw new IllegalArgumentException("'ranges' must be non-empty, in order, not overlapping and inside "
                        + "the batch " + offset + "+" + length + ": " + part);
            }
            out.add(new dev.cairn.spi.io.Interval(o, l, dev.cairn.spi.io.Interval.Kind.DATA));
            pos = o + l;
        }
        return out;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    private static String require(Map<String, String> q, String key) {
        String v = q.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing query parameter '" + key + "'");
        }
        return v;
    }

    private static long number(Map<String, String> q, String key) {
        String v = require(q, key);
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new IllegalArgumentException("'" + key + "' must not be negative: " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' is not a number: " + v);
        }
    }

    private static int intNumber(Map<String, String> q, String key) {
        long n = number(q, key);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + key + "' is too large: " + n);
        }
        return (int) n;
    }

    private static byte[] parseHex(String hex) {
        try {
            return java.util.HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'digest' is not hex: " + hex);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

}
