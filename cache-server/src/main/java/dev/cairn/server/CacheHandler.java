package dev.cairn.server;

import dev.cairn.server.auth.Access;
import dev.cairn.server.metrics.ErrorLog;
import dev.cairn.server.route.MalformedPathException;
import dev.cairn.server.route.PathRouter;
import dev.cairn.server.route.Protocol;
import dev.cairn.server.route.Route;
import dev.cairn.server.staging.StagedUpload;
import dev.cairn.server.staging.Staging;
import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobTooLargeException;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFullException;
import dev.cairn.spi.store.StoreUnavailableException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Serves every protocol of the cache on one Jetty handler. The handler is declared non-blocking, so Jetty runs it on
 * the thread that parsed the request (often the selector), the way an event-loop server like nginx does: GET, HEAD
 * and OPTIONS of small blobs are answered there (a store read of a small entry is a heap lookup or one short
 * positional read; nginx blocks its worker on the same reads). Everything that may block for long — request bodies
 * (PUT), deletes, WebDAV, and streaming blobs above 64 KiB through a blocking output stream — is handed to the
 * request thread pool.
 */
final class CacheHandler extends Handler.Abstract {
    private static final int SMALL_BLOB = 64 * 1024;
    private static final int STREAM_CHUNK = 256 * 1024;
    /** Most namespaces the server opens: the fixed ones plus Bazel instance names. */
    static final int MAX_NAMESPACES = 256;
    private static final String ALLOW_ENTRY = "GET, HEAD, PUT, DELETE, OPTIONS";
    private static final String ALLOW_FILES = "GET, HEAD, PUT, DELETE, OPTIONS, PROPFIND, MKCOL";

    private final Store store;
    private final Staging staging;
    private final Supplier<CacheServer.Settings> settings;
    private final ServerState state;
    private final ErrorLog errors;
    /** Runs the work that may block: request bodies, deletes, large responses. */
    private final Executor blocking;
    private final PathRouter router = new PathRouter();
    /** Namespace views are stable; asking the store each time costs (the host wraps each view in a proxy). */
    private final Map<String, Store> namespaces = new ConcurrentHashMap<>();

    CacheHandler(Store store, Staging staging, Supplier<CacheServer.Settings> settings, ServerState state,
                 ErrorLog errors, Executor blocking) {
        super(InvocationType.NON_BLOCKING);
        this.blocking = blocking;
        this.store = store;
        this.staging = staging;
        this.settings = settings;
        this.state = state;
        this.errors = errors;
    }

    /** An answer other than success, with the reason sent as the body. */
    private static final class HttpError extends Exception {
        final int status;

        HttpError(int status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            process(request, response, callback);
        } else {
            onBlockingThread(request, response, callback, () -> process(request, response, callback));
        }
        return true;
    }

    /** Runs {@code work} on the request thread pool; answers 503 when the pool refuses it. */
    private void onBlockingThread(Request request, Response response, Callback callback, Runnable work) {
        try {
            blocking.execute(work);
        } catch (RejectedExecutionException e) {
            errors.report("503 overloaded", String.valueOf(e.getMessage()));
            sendError(request, response, callback, 503, "server overloaded: no request thread free");
        }
    }

    private void process(Request request, Response response, Callback callback) {
        CacheServer.Settings s = settings.get();
        String method = request.getMethod();
        try {
            Route route;
            try {
                route = router.route(request.getHttpURI().getPath());
            } catch (MalformedPathException e) {
                throw new HttpError(400, e.getMessage());
            }
            Access needed = switch (method) {
                case "PUT", "DELETE", "MKCOL" -> Access.READ_WRITE;
                default -> Access.READ;
            };
            Access access = s.auth().access(request.getHeaders().get(HttpHeader.AUTHORIZATION));
            if (!access.allows(needed)) {
                if (access == Access.NONE || request.getHeaders().get(HttpHeader.AUTHORIZATION) == null) {
                    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"cairn\", charset=\"UTF-8\"");
                    throw new HttpError(401, "authentication required");
                }
                throw new HttpError(403, "these credentials may only read");
            }
            if (needed == Access.READ_WRITE && s.readOnly()) {
                throw new HttpError(403, "the server is read-only");
            }
            dispatch(route, method, request, response, callback, s);
        } catch (HttpError e) {
            if (e.status >= 500 || e.status == 413 || e.status == 400) {
                errors.report(e.status + " " + method, e.getMessage());
            }
            sendError(request, response, callback, e.status, e.getMessage());
        } catch (StoreUnavailableException e) {
            errors.report("503 " + method, String.valueOf(e.getMessage()));
            sendError(request, response, callback, 503, "store unavailable: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            errors.report("500 " + e.getClass().getSimpleName(), e.getMessage() == null ? "" : e.getMessage());
            sendError(request, response, callback, 500, "internal error: " + e);
        }
    }

    private void dispatch(Route route, String method, Request request, Response response, Callback callback,
                          CacheServer.Settings s) throws HttpError, IOException {
        if (route.protocol() == Protocol.STATUS || route.protocol() == Protocol.METRICS) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
                throw new HttpError(405, method + " is not allowed on " + route.path());
            }
            boolean status = route.protocol() == Protocol.STATUS;
            byte[] body = (status ? state.statusJson() : state.metricsText()).getBytes(StandardCharsets.UTF_8);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE,
                    status ? "application/json" : dev.cairn.server.metrics.PrometheusText.CONTENT_TYPE);
            writeFully(request, response, callback, body);
            return;
        }
        boolean files = route.protocol() == Protocol.FILES;
        switch (method) {
            case "GET", "HEAD" -> get(route, method.equals("HEAD"), request, response, callback);
            case "PUT" -> put(route, request, response, callback, s);
            case "DELETE" -> delete(route, request, response, callback);
            case "OPTIONS" -> {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.ALLOW, files ? ALLOW_FILES : ALLOW_ENTRY);
                if (files) {
                    response.getHeaders().put("DAV", "1");
                }
                writeFully(request, response, callback, new byte[0]);
            }
            case "PROPFIND" -> {
                requireFiles(route, method, response);
                propfind(route, request, response, callback);
            }
            case "MKCOL" -> {
                requireFiles(route, method, response);
                // Collections are implicit: entries are addressed by their whole path, so any collection exists.
                response.setStatus(201);
                writeFully(request, response, callback, new byte[0]);
            }
            default -> {
                response.getHeaders().put(HttpHeader.ALLOW, files ? ALLOW_FILES : ALLOW_ENTRY);
                throw new HttpError(405, method + " is not allowed on " + route.path());
            }
        }
    }

    private static void requireFiles(Route route, String method, Response response) throws HttpError {
        if (route.protocol() != Protocol.FILES) {
            response.getHeaders().put(HttpHeader.ALLOW, ALLOW_ENTRY);
            throw new HttpError(405, method + " is only allowed on WebDAV paths, not on " + route.path());
        }
    }

    private static void requireEntry(Route route) throws HttpError {
        if (route.key() == null) {
            throw new HttpError(400, route.path() + " is a collection, not an entry");
        }
    }

    private void get(Route route, boolean head, Request request, Response response, Callback callback)
            throws HttpError, IOException {
        requireEntry(route);
        Store ns = namespace(route);
        Optional<Blob> found = ns.get(route.key(), Route.BLOB);
        if (found.isEmpty()) {
            if (route.emptyCasBlob()) {
                state.counters(route.namespace()).hit(0);
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
                writeFully(request, response, callback, new byte[0]);
                return;
            }
            state.counters(route.namespace()).miss();
            throw new HttpError(404, "no entry at " + route.path());
        }
        Blob blob = found.get();
        boolean handedOff = false;
        try {
            long size = blob.size();
            state.counters(route.namespace()).hit(size);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, size);
            if (head) {
                response.write(true, ByteBuffer.allocate(0), callback);
                return;
            }
            if (size <= SMALL_BLOB) {
                byte[] bytes;
                try (InputStream in = blob.stream()) {
                    bytes = in.readNBytes((int) size);
                }
                if (bytes.length != size) {
                    throw new IOException("blob shorter than its size: " + bytes.length + " of " + size);
                }
                response.write(true, ByteBuffer.wrap(bytes), callback);
                return;
            }
            onBlockingThread(request, response, callback, () -> {
                try (blob) {
                    stream(blob, size, response, callback);
                } catch (IOException e) {
                    errors.report("GET close " + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
                }
            });
            handedOff = true;
        } finally {
            if (!handedOff) {
                blob.close();
            }
        }
    }

    /** Streams a large blob through a blocking output stream; on the request thread pool. */
    private void stream(Blob blob, long size, Response response, Callback callback) {
        try (InputStream in = blob.stream(); OutputStream out = Content.Sink.asOutputStream(response)) {
            // Large chunks: each blocking write is a round trip through Jetty and a wake-up of this thread.
            byte[] buf = new byte[(int) Math.min(STREAM_CHUNK, size)];
            long left = size;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                out.write(buf, 0, n);
                left -= n;
            }
            if (left != 0) {
                throw new IOException("blob shorter than its size by " + left + " bytes");
            }
        } catch (IOException | RuntimeException e) {
            // Headers are out: the client sees a truncated body, which every client treats as a failure.
            errors.report("GET stream " + e.getClass().getSimpleName(), String.valueOf(e.getMessage()));
            callback.failed(e);
            return;
        }
        callback.succeeded();
    }

    private void put(Route route, Request request, Response response, Callback callback, CacheServer.Settings s)
            throws HttpError, IOException {
        requireEntry(route);
        long length = request.getLength();
        long limit = s.maxBlobSize();
        if (limit > 0 && length > limit) {
            // Answered before reading: with Expect: 100-continue the client never sends the body.
            throw new HttpError(413, "blob of " + length + " bytes exceeds the maximum blob size of " + limit);
        }
        Store ns = namespace(route);
        StagedUpload staged;
        try (InputStream body = Content.Source.asInputStream(request)) {
            staged = staging.stage(body, length, limit, route.verifySha256());
        } catch (BlobTooLargeException e) {
            throw new HttpError(413, e.getMessage());
        } catch (IOException e) {
            // The client went away or sent a broken body; what was staged is gone already.
            errors.report("upload aborted", e.toString());
            throw new HttpError(400, "upload incomplete: " + e.getMessage());
        }
        try (staged) {
            if (length >= 0 && staged.size() != length) {
                throw new HttpError(400, "body has " + staged.size() + " bytes, Content-Length says " + length);
            }
            if (route.verifySha256() && !route.key().equals(staged.sha256())) {
                throw new HttpError(400, "content hashes to " + staged.sha256() + ", not " + route.key());
            }
            try {
                ns.put(route.key(), Map.of(Route.BLOB, staged));
            } catch (StoreFullException e) {
                throw new HttpError(507, "store full: " + e.getMessage());
            } catch (BlobTooLargeException e) {
                throw new HttpError(413, e.getMessage());
            } catch (StoreUnavailableException e) {
                throw new HttpError(503, "store unavailable: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, e.getMessage());
            }
            state.counters(route.namespace()).put(staged.size());
        }
        response.setStatus(201);
        writeFully(request, response, callback, new byte[0]);
    }

    private void delete(Route route, Request request, Response response, Callback callback)
            throws HttpError, IOException {
        requireEntry(route);
        boolean removed = namespace(route).delete(route.key());
        if (!removed) {
            throw new HttpError(404, "no entry at " + route.path());
        }
        state.counters(route.namespace()).delete();
        response.setStatus(204);
        writeFully(request, response, callback, new byte[0]);
    }

    private void propfind(Route route, Request request, Response response, Callback callback)
            throws HttpError, IOException {
        String modified = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        String props;
        if (route.collection()) {
            props = "<D:resourcetype><D:collection/></D:resourcetype>";
        } else {
            Optional<Blob> found = namespace(route).get(route.key(), Route.BLOB);
            if (found.isEmpty()) {
                throw new HttpError(404, "no entry at " + route.path());
            }
            long size;
            try (Blob blob = found.get()) {
                size = blob.size();
            }
            props = "<D:resourcetype/><D:getcontentlength>" + size + "</D:getcontentlength>"
                    + "<D:getcontenttype>application/octet-stream</D:getcontenttype>";
        }
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                + "<D:multistatus xmlns:D=\"DAV:\"><D:response><D:href>" + route.path() + "</D:href>"
                + "<D:propstat><D:prop>" + props + "<D:getlastmodified>" + modified + "</D:getlastmodified>"
                + "</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>\n";
        response.setStatus(207);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/xml; charset=utf-8");
        writeFully(request, response, callback, xml.getBytes(StandardCharsets.UTF_8));
    }

    private Store namespace(Route route) throws HttpError {
        Store view = namespaces.get(route.namespace());
        if (view != null) {
            return view;
        }
        // Instance names come from clients and each one becomes a namespace in the store: bound them.
        if (namespaces.size() >= MAX_NAMESPACES) {
            throw new HttpError(400, "too many distinct instance names (at most " + MAX_NAMESPACES + ")");
        }
        try {
            view = store.namespace(route.namespace());
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, e.getMessage());
        }
        Store raced = namespaces.putIfAbsent(route.namespace(), view);
        return raced == null ? view : raced;
    }

    private static void writeFully(Request request, Response response, Callback callback, byte[] body) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        if (request.getMethod().equals("HEAD")) {
            response.write(true, ByteBuffer.allocate(0), callback);
        } else {
            response.write(true, ByteBuffer.wrap(body), callback);
        }
    }

    private static void sendError(Request request, Response response, Callback callback, int status, String reason) {
        if (response.isCommitted()) {
            callback.failed(new IOException(status + " " + reason));
            return;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        writeFully(request, response, callback, (reason + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
