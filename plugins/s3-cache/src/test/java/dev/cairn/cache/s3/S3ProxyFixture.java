package dev.cairn.cache.s3;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server in-process: s3proxy over jclouds' in-memory blob store. It can be stopped and
 * started again on the same port over the same data, to play an S3 outage.
 */
final class S3ProxyFixture implements AutoCloseable {
    static final String ACCESS_KEY = "cairn-access";
    static final String SECRET_KEY = "cairn-secret";

    /** Building a jclouds context takes seconds (Guice): one per test JVM; test classes use their own buckets. */
    private static BlobStoreContext context;

    private final BlobStore blobStore;
    private S3Proxy proxy;
    private int port;

    S3ProxyFixture() throws Exception {
        blobStore = sharedContext().getBlobStore();
        start(0);
    }

    private static synchronized BlobStoreContext sharedContext() {
        if (context == null) {
            context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                    .build(BlobStoreContext.class);
        }
        return context;
    }

    BlobStore blobStore() {
        return blobStore;
    }

    private void start(int wanted) throws Exception {
        proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:" + wanted))
                // s3proxy 2.6 rejects the CRC32 header SDK 2.30+ always sends on DeleteObjects (gaul/s3proxy#962)
                .ignoreUnknownHeaders(true)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.onSpinWait();
        }
        port = proxy.getPort();
    }

    /** Stops the server; the data stays for {@link #restart()}. */
    void stop() throws Exception {
        proxy.stop();
    }

    /** Starts the server again on the same port. */
    void restart() throws Exception {
        start(port);
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    /** @return options for this server with short timeouts (an outage is noticed in about a second) */
    S3Options options(String bucket, String prefix, long maxSize, boolean autoCreate) {
        return new S3Options(bucket, null, endpoint(), ACCESS_KEY, SECRET_KEY,
                dev.cairn.spi.config.DataSize.ofBytes(maxSize), autoCreate, null, prefix,
                java.time.Duration.ofSeconds(10), null, java.time.Duration.ofSeconds(1),
                dev.cairn.spi.config.DataSize.ofBytes(S3Options.MIN_PART_SIZE));
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
