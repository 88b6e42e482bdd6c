package dev.cairn.layerfs.stream;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Opens a layer stream named on the command line: an {@code http(s)://} URL, or a file (possibly still growing). */
public final class LayerSources {
    private LayerSources() {
    }

    /**
     * @param source a URL or a file path
     * @param idleTimeout how long a growing file may stay unchanged, and the HTTP connect timeout
     * @param home where relative paths resolve
     */
    public static InputStream open(String source, Duration idleTimeout, Path home) throws IOException {
        if (source.startsWith("http://") || source.startsWith("https://")) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(idleTimeout)
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create(source)).GET().build();
            try {
                HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
                if (resp.statusCode() != 200) {
                    resp.body().close();
                    throw new IOException("GET " + source + " answered " + resp.statusCode());
                }
                return resp.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted fetching " + source);
            }
        }
        Path file = home.resolve(source);
        if (!Files.exists(file)) {
            throw new IOException("layer stream " + file + " does not exist");
        }
        return new TailingFileInputStream(file, idleTimeout);
    }
}
