package dev.cairn.sparse;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A lean HTTP/1.1 client for the sync's requests: persistent connections (one per concurrent worker, kept in
 * an idle pool), the request head in one write and the body written straight from the caller's arrays (no copy into
 * a request publisher, no selector thread hand-off as in {@link java.net.http.HttpClient}, which cost about 2 s of
 * CPU per 400 MiB). Only what the sync server answers is understood: responses with a Content-Length.
 */
final class BulkHttp implements AutoCloseable {
    /** One slice of a request body. */
    record Slice(byte[] bytes, int from, int length) {
        Slice {
            Objects.requireNonNull(bytes, "bytes is null");
            Objects.checkFromIndexSize(from, length, bytes.length);
        }
    }

    /** A response: status and body text. */
    record Response(int status, String body) {
        Response {
            Objects.requireNonNull(body, "body is null");
        }
    }

    private static final int SOCKET_BUFFER = 4 << 20;
    private static final int MAX_RESPONSE = 256 << 20;

    private final URI base;
    private final String hostHeader;
    private final int timeoutMillis;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private static final class Connection {
        final Socket socket;
        final OutputStream out;
        final InputStream in;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /**
     * @param base scheme and authority, e.g. {@code http://127.0.0.1:8555}
     * @param timeout connect and read timeout
     */
    BulkHttp(URI base, Duration timeout) {
        this.base = Objects.requireNonNull(base, "base is null");
        Objects.requireNonNull(timeout, "timeout is null");
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("only http and https URLs are supported, not " + base);
        }
        this.hostHeader = base.getRawAuthority();
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    }

    private int port() {
        return base.getPort() >= 0 ? base.getPort() : base.getScheme().equals("https") ? 443 : 80;
    }

    private Connection connect() throws IOException {
        Socket s = base.getScheme().equals("https") ? javax.net.ssl.SSLSocketFactory.getDefault().createSocket()
                : new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSendBufferSize(SOCKET_BUFFER);
            s.setReceiveBufferSize(1 << 16);
            s.setSoTimeout(timeoutMillis);
            s.connect(new InetSocketAddress(base.getHost(), port()), timeoutMillis);
            return new Connection(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Sends one request and reads its response. A failure on a reused connection (the server closed it while idle)
     * is retried once at once on a fresh connection; other failures are thrown for the caller's retry policy.
     *
     * @param method e.g. {@code PUT}
     * @param pathAndQuery e.g. {@code /v1/session/x/batch?offset=0}
     * @param token bearer token or null
     * @param body slices sent in order as the body
     */
    Response send(String method, String pathAndQuery, String token, Slice... body) throws IOException {
        if (closed) {
            throw new IOException("the bulk HTTP client is closed");
        }
        Connection c = idle.poll();
        if (c != null) {
            try {
                return exchange(c, method, pathAndQuery, token, body);
            } catch (IOException stale) {
                c.close();
            }
        }
        c = connect();
        try {
            return exchange(c, method, pathAndQuery, token, body);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private Response exchange(Connection c, String method, String pathAndQuery, String token, Slice[] body)
            throws IOException {
        long length = 0;
        for (Slice s : body) {
            length += s.length();
        }
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(pathAndQuery)
                .append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\nContent-Length: ").append(length)
                .append("\r\n");
        if (token != null) {
            head.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        head.append("\r\n");
        c.out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        for (Slice s : body) {
            c.out.write(s.bytes(), s.from(), s.length());
        }
        c.out.flush();
        String status = line(c.in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: '" + status + "'");
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status: '" + status + "'");
        }
        long contentLength = -1;
        boolean close = parts[0].equals("HTTP/1.0");
        for (String h = line(c.in); !h.isEmpty(); h = line(c.in)) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equals("connection")) {
                close = value.equalsIgnoreCase("close");
            } else if (name.equals("transfer-encoding")) {
                throw new IOException("unsupported response transfer encoding: " + value);
            }
        }
        if (contentLength < 0 || contentLength > MAX_RESPONSE) {
            throw new IOException("response without a usable Content-Length (" + contentLength + ")");
        }
        byte[] text = c.in.readNBytes((int) contentLength);
        if (text.length != contentLength) {
            throw new EOFException("response body ended after " + text.length + " of " + contentLength + " bytes");
        }
        if (close || closed) {
            c.close();
        } else {
            idle.add(c);
        }
        return new Response(code, new String(text, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int ch = in.read(); ; ch = in.read()) {
            if (ch < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (ch == '\n') {
                break;
            }
            if (b.size() > 16 << 10) {
                throw new IOException("response header line too long");
            }
            b.write(ch);
        }
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Closes every idle connection; connections in use are closed when their request ends. */
    @Override
    public void close() {
        closed = true;
        for (Connection c = idle.poll(); c != null; c = idle.poll()) {
            c.close();
        }
    }
}
