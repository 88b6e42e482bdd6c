package dev.cairn.cache.s3;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.config.DataSize;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Configuration of the {@code s3} store ({@code cache.stores: [{type: s3, ...}]}).
 *
 * @param bucket the bucket holding the cache (required)
 * @param region the signing region; default {@code us-east-1}
 * @param endpoint a custom endpoint such as {@code http://minio:9000}; implies path-style addressing; default AWS
 * @param accessKey the access key id; with {@code secretKey}, else the SDK's default credential chain
 * @param secretKey the secret access key
 * @param maxSize budget of the cache's root view; 0 (default) for unlimited
 * @param autoCreate create the bucket when it does not exist; default false
 * @param maxBlobBytes largest blob accepted; 0 (default) for no limit beyond {@code maxSize}
 * @param prefix key prefix inside the bucket, e.g. {@code cairn/}; default none
 * @param requestTimeout time allowed for one call before its size allowance; default 30s
 * @param minThroughput slowest transfer rate tolerated: each call gets {@code size / minThroughput} more time; default 1MiB
 * @param connectTimeout TCP connect timeout; default 5s
 * @param partSize blobs larger than this are uploaded in parts of this size (at least 5MiB); default 8MiB
 */
public record S3Options(
        String bucket,
        String region,
        String endpoint,
        String accessKey,
        String secretKey,
        DataSize maxSize,
        Boolean autoCreate,
        DataSize maxBlobBytes,
        String prefix,
        Duration requestTimeout,
        DataSize minThroughput,
        Duration connectTimeout,
        DataSize partSize) {

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9._-]+/)*");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,64}");
    /** S3's smallest part size for all but the last part. */
    static final long MIN_PART_SIZE = 5L << 20;

    /** Fills defaults and validates; errors name the key. */
    public S3Options {
        if (bucket == null || bucket.isBlank()) {
            throw new ConfigurationException("bucket", "required: the name of the S3 bucket holding the cache");
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw new ConfigurationException("bucket", "'" + bucket + "' is not a valid bucket name"
                    + " (3-63 characters: lower-case letters, digits, '.', '-')");
        }
        region = region == null ? "us-east-1" : region;
        if (!REGION.matcher(region).matches()) {
            throw new ConfigurationException("region", "'" + region + "' is not a region name, e.g. eu-west-1");
        }
        if (endpoint != null) {
            URI uri;
            try {
                uri = new URI(endpoint);
            } catch (URISyntaxException e) {
                throw new ConfigurationException("endpoint", "not a URL: " + endpoint, e);
            }
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigurationException("endpoint", "'" + endpoint
                        + "' must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:9000");
            }
        }
        if ((accessKey == null) != (secretKey == null)) {
            throw new ConfigurationException(accessKey == null ? "accessKey" : "secretKey",
                    "accessKey and secretKey go together; set both, or neither for the default credential chain");
        }
        if (accessKey != null && (accessKey.isBlank() || secretKey.isBlank())) {
            throw new ConfigurationException(accessKey.isBlank() ? "accessKey" : "secretKey",
                    "is empty (is the environment variable it names set?)");
        }
        maxSize = maxSize == null ? DataSize.ofBytes(0) : maxSize;
        autoCreate = autoCreate != null && autoCreate;
        maxBlobBytes = maxBlobBytes == null ? DataSize.ofBytes(0) : maxBlobBytes;
        prefix = prefix == null ? "" : (prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/");
        if (!PREFIX.matcher(prefix).matches() || prefix.contains("/../") || prefix.startsWith("../")
                || prefix.contains("/./") || prefix.startsWith("./")) {
            throw new ConfigurationException("prefix", "'" + prefix
                    + "' must be folders of letters, digits, '.', '_', '-' separated by '/', e.g. cairn/ci/");
        }
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new ConfigurationException("requestTimeout", "must be positive, e.g. 30s");
        }
        minThroughput = minThroughput == null ? DataSize.ofBytes(1L << 20) : minThroughput;
        if (minThroughput.bytes() == 0) {
            throw new ConfigurationException("minThroughput", "must be positive (bytes per second), e.g. 1MiB");
        }
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new ConfigurationException("connectTimeout", "must be positive, e.g. 5s");
        }
        partSize = partSize == null ? DataSize.ofBytes(8L << 20) : partSize;
        if (partSize.bytes() < MIN_PART_SIZE || partSize.bytes() > (5L << 30)) {
            throw new ConfigurationException("partSize", partSize + " is outside S3's part sizes 5MiB..5GiB");
        }
    }

    /**
     * @param bucket the bucket
     * @param endpoint the endpoint URL
     * @param accessKey the access key
     * @param secretKey the secret key
     * @return options with defaults for everything else, for tests and tools
     */
    public static S3Options of(String bucket, String endpoint, String accessKey, String secretKey) {
        return new S3Options(bucket, null, endpoint, accessKey, secretKey, null, null, null, null, null, null, null,
                null);
    }

    /**
     * @param size a blob's size in bytes
     * @return the time one call moving that many bytes may take
     */
    Duration timeoutFor(long size) {
        return requestTimeout.plusMillis(Math.max(0, size) * 1000 / minThroughput.bytes());
    }

    /**
     * @param newMaxSize the budget
     * @param newAutoCreate whether to create the bucket
     * @param newMaxBlobBytes the blob limit
     * @param newPrefix the prefix
     * @param newPartSize the part size
     * @return a copy with those changed
     */
    S3Options with(DataSize newMaxSize, boolean newAutoCreate, DataSize newMaxBlobBytes, String newPrefix,
                   DataSize newPartSize) {
        return new S3Options(bucket, region, endpoint, accessKey, secretKey, newMaxSize, newAutoCreate,
                newMaxBlobBytes, newPrefix, requestTimeout, minThroughput, connectTimeout, newPartSize);
    }
}
