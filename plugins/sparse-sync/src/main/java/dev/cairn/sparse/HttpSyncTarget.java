package dev.cairn.sparse;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A target on a sync server, reached over persistent HTTP/1.1 connections ({@link BulkHttp}); every call goes through
 * the retry policy.
 */
final class HttpSyncTarget implements SyncTarget {
    private final URI base;
    private final String path;
    private final String token;
    private final Duration timeout;
    private final RetryPolicy retry;
    private final String session = UUID.randomUUID().toString();
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final BulkHttp http;
    private volatile boolean open;

    /**
     * @param target e.g. {@code http://host:8555/vm/disk.img}; the path is relative to the server's root
     * @param token bearer token or null
     * @param timeout per-request timeout
     */
    HttpSyncTarget(URI target, String token, Duration timeout, RetryPolicy retry) {
        Objects.requireNonNull(target, "target is null");
        if (target.getHost() == null || target.getPath() == null || target.getPath().length() < 2) {
            throw new IllegalArgumentException("target URL needs a host and a file path, e.g. "
                    + "http://127.0.0.1:8555/vm/disk.img, not " + target);
        }
        this.base = URI.create(target.getScheme() + "://" + target.getRawAuthority() + "/v1/");
        this.path = target.getPath().substring(1);
        this.token = token;
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
        this.retry = Objects.requireNonNull(retry, "retry is null");
        this.http = new BulkHttp(URI.create(target.getScheme() + "://" + target.getRawAuthority()), timeout);
    }

    long bytesSent() {
        return bytesSent.get();
    }

    long requests() {
        return requests.get();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String call(String operation, String method, String relative, byte[] body) throws IOException {
        String pathAndQuery = base.getRawPath() + relative;
        BulkHttp.Slice[] slices = body == null ? new BulkHttp.Slice[0]
                : new BulkHttp.Slice[] {new BulkHttp.Slice(body, 0, body.length)};
        return retry.run(operation, () -> {
            requests.incrementAndGet();
            BulkHttp.Response r = http.send(method, pathAndQuery, token, slices);
            if (r.status() != 200) {
                throw new RemoteException(r.status(), operation, r.body());
            }
            return r.body().strip();
        });
    }

    private String sessionPath(String op) {
        return "session/" + session + "/" + op;
    }

    @Override
    public boolean open(long size) throws IOException {
        String r = call("open " + path, "POST", "open?path=" + enc(path) + "&size=" + size + "&session=" + session,
                null);
        open = true;
        return r.equals("existed=true");
    }

    @Override
    public java.util.List<dev.cairn.spi.io.Interval> layout() throws IOException {
        return LayoutText.parse(call("layout", "GET", sessionPath("layout"), null));
    }

    @Override
    public void punchHole(long offset, long length) throws IOException {
        call("hole", "POST", sessionPath("hole") + "?offset=" + offset + "&length=" + length, null);
    }

    @Override
    public byte[] checksum(long offset, int length) throws IOException {
        return HexFormat.of().parseHex(call("checksum", "GET",
                sessionPath("checksum") + "?offset=" + offset + "&length=" + length, null));
    }

    /** Sends a body from the caller's arrays (the data itself is never copied), with the retry policy. */
    private void bulkCall(String operation, String relative, BulkHttp.Slice... body) throws IOException {
        String pathAndQuery = base.getRawPath() + relative;
        retry.run(operation, () -> {
            requests.incrementAndGet();
            BulkHttp.Response r = http.send("PUT", pathAndQuery, token, body);
            if (r.status() != 200) {
                throw new RemoteException(r.status(), operation, r.body());
            }
            return null;
        });
    }

    @Override
    public void write(long offset, byte[] bytes, int from, int length) throws IOException {
        bulkCall("write", sessionPath("data") + "?offset=" + offset, new BulkHttp.Slice(bytes, from, length));
        bytesSent.addAndGet(length);
    }

    /** One request per batch: {@code PUT session/<id>/batch?offset=&length=&ranges=o:l,...}, the ranges' bytes in order. */
    @Override
    public void writeBatch(long offset, int length, java.util.List<dev.cairn.spi.io.Interval> ranges, byte[] bytes)
            throws IOException {
        StringBuilder q = new StringBuilder(sessionPath("batch")).append("?offset=").append(offset).append("&length=")
                .append(length).append("&ranges=");
        BulkHttp.Slice[] slices = new BulkHttp.Slice[ranges.size()];
        long total = 0;
        for (int k = 0; k < slices.length; k++) {
            dev.cairn.spi.io.Interval d = ranges.get(k);
            q.append(k == 0 ? "" : ",").append(d.offset()).append(':').append(d.length());
            slices[k] = new BulkHttp.Slice(bytes, (int) (d.offset() - offset), (int) d.length());
            total += d.length();
        }
        bulkCall("write", q.toString(), slices);
        bytesSent.addAndGet(total);
    }

    @Override
    public Optional<String> recorded() throws IOException {
        try {
            return Optional.of(call("record", "GET", "record?path=" + enc(path), null));
        } catch (RemoteException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void commit(byte[] expected, int batchSize) throws IOException {
        String q = expected == null ? "" : "?digest=" + HexFormat.of().formatHex(expected) + "&batch=" + batchSize;
        try {
            call("commit", "POST", sessionPath("commit") + q, null);
            open = false;
            http.close();
        } catch (RemoteException e) {
            if (e.status() == 409) {
                open = false;
                throw new VerificationException(e.getMessage());
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (open) {
                open = false;
                call("close", "POST", sessionPath("close"), null);
            }
        } finally {
            http.close();
        }
    }
}
