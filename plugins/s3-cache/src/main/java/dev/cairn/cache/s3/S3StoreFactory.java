package dev.cairn.cache.s3;

import dev.cairn.spi.HostContext;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFactory;
import dev.cairn.spi.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * The {@code s3} store: a cache many servers share through one S3-compatible bucket. Checks the bucket (creating it
 * with {@code autoCreate}) and lists it once at start; when S3 is unreachable at start the store still starts and
 * retries on first use, so a tiered cache can serve from its other tiers.
 */
public final class S3StoreFactory implements StoreFactory<S3Options> {
    private static final Logger LOG = LoggerFactory.getLogger(S3StoreFactory.class);
    /** An entry's access time is written to the bucket at most this often (one small copy request). */
    static final Duration PERSIST_ACCESS_EVERY = Duration.ofHours(1);

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public Class<S3Options> configType() {
        return S3Options.class;
    }

    @Override
    public Store create(S3Options config, HostContext context) throws Exception {
        return open(config, context.clock(), PERSIST_ACCESS_EVERY);
    }

    /** Creates the store; package-private for tests that control the clock and access persistence. */
    static S3Store open(S3Options config, Clock clock, Duration persistAccessEvery) throws Exception {
        S3Backend backend = new S3Backend(client(config), config, clock, persistAccessEvery);
        try {
            backend.init();
        } catch (StoreUnavailableException e) {
            LOG.warn("{}: {}; starting anyway, retrying on first use", backend.where(), e.getMessage());
        } catch (Exception | Error e) {
            backend.close();
            throw e;
        }
        return new S3Store(backend);
    }

    static S3Client client(S3Options config) {
        // The SDK finds interceptors and plugins through the context class loader: make it ours while building.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(S3StoreFactory.class.getClassLoader());
        try {
            S3ClientBuilder builder = S3Client.builder()
                    .region(Region.of(config.region()))
                    .credentialsProvider(credentials(config))
                    .httpClient(UrlConnectionHttpClient.builder()
                            .connectionTimeout(config.connectTimeout())
                            .socketTimeout(config.requestTimeout())
                            .build())
                    // S3-compatible servers rarely support the newer default checksums; S3 accepts both.
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .addPlugin(LegacyMd5Plugin.create());
            if (config.endpoint() != null) {
                builder.endpointOverride(URI.create(config.endpoint())).forcePathStyle(true);
            }
            return builder.build();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static AwsCredentialsProvider credentials(S3Options config) {
        if (config.accessKey() != null) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(),
                    config.secretKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
