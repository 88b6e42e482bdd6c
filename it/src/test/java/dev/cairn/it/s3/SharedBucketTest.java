package dev.cairn.it.s3;

import dev.cairn.it.ServeProcess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two {@code cairn serve} processes of the assembled distribution share one bucket of a real S3-compatible server
 * (s3proxy in a child JVM): a blob put through one is served by the other. The second one stacks a disk tier in front.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SharedBucketTest {
    private static final String ACCESS = S3ProxyProcess.ACCESS;
    private static final String SECRET = S3ProxyProcess.SECRET;

    @TempDir
    static Path s3dir;
    private static S3ProxyProcess s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyProcess.start(s3dir);
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void aBlobPutThroughOneServerIsServedByTheOther(@TempDir Path dir) throws Exception {
        // The keys come from the environment through the host's ${NAME} substitution.
        String s3Store = "{type: s3, bucket: shared-cache, endpoint: '" + s3.endpoint() + "',"
                + " accessKey: '${IT_S3_ACCESS}', secretKey: '${IT_S3_SECRET}', autoCreate: true, prefix: fleet/}";
        Path a = write(dir.resolve("a.yaml"), "server: {host: 127.0.0.1, port: 0}\n"
                + "cache: {stores: [" + s3Store + "]}\n");
        Path b = write(dir.resolve("b.yaml"), "server: {host: 127.0.0.1, port: 0}\n"
                + "cache: {stores: [{type: disk, dir: '" + dir.resolve("disk-b") + "', maxSize: 100MiB}, "
                + s3Store + "]}\n");

        byte[] blob = new byte[300_000];
        new Random(42).nextBytes(blob);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        try (ServeProcess first = serve(a); ServeProcess second = serve(b)) {
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(first.base() + "/cas/" + sha))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(put.statusCode() / 100 == 2, "PUT answered " + put.statusCode() + ": " + put.body());

            byte[] small = "a small action result".getBytes(StandardCharsets.UTF_8); // inline in its S3 marker
            String smallSha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(small));
            HttpResponse<String> putSmall = http.send(HttpRequest.newBuilder(URI.create(first.base() + "/cas/"
                    + smallSha)).PUT(HttpRequest.BodyPublishers.ofByteArray(small)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(putSmall.statusCode() / 100 == 2, "PUT answered " + putSmall.statusCode());
            HttpResponse<byte[]> getSmall = http.send(HttpRequest.newBuilder(URI.create(second.base() + "/cas/"
                    + smallSha)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, getSmall.statusCode());
            assertArrayEquals(small, getSmall.body());

            for (int round = 0; round < 2; round++) { // from S3 (filling the disk tier), then from disk
                HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(URI.create(second.base() + "/cas/" + sha))
                        .GET().timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, get.statusCode(), "GET from the other server, round " + round);
                assertArrayEquals(blob, get.body());
            }
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(second.base() + "/status"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode());
            JsonNode tiers = new ObjectMapper().readTree(status.body()).path("cache");
            assertEquals(2, tiers.path("fills").asInt(), "both hits in S3 filled the disk tier: " + status.body());
            assertEquals(2, tiers.path("tiers").size(), status.body());
            assertTrue(tiers.path("tiers").get(1).path("up").asBoolean(), "S3 tier up: " + status.body());
            assertEquals(1, tiers.path("tiers").get(0).path("hits").asInt(), "second GET from disk: " + status.body());
        }
    }

    private static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /** {@code bin/cairn serve} on a free port; SIGTERM (then SIGKILL) on close. */

    private static ServeProcess serve(Path config) throws IOException, InterruptedException {
        return ServeProcess.start(config, java.util.Map.of("IT_S3_ACCESS", ACCESS, "IT_S3_SECRET", SECRET));
    }
}
