package dev.cairn.cache.s3;

import dev.cairn.spi.store.Store;
import dev.cairn.testkit.store.StoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** The shared store contract against a real S3-compatible server (s3proxy in-process). */
class S3StoreContractTest extends StoreContract {
    private static S3ProxyFixture s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = new S3ProxyFixture();
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    @Override
    protected Store createStore(Path dir, long maxSizeBytes) throws Exception {
        return createStore(dir, maxSizeBytes, Clock.systemUTC());
    }

    @Override
    protected Store createStore(Path dir, long maxSizeBytes, Clock clock) throws Exception {
        // One bucket for the class; each store directory maps to its own prefix, the same one on reopen.
        String prefix = "contract/" + Integer.toHexString(dir.toAbsolutePath().toString().hashCode()) + "/";
        return S3StoreFactory.open(s3.options("contract", prefix, maxSizeBytes, true), clock, Duration.ofHours(1));
    }

    @Override
    protected boolean supportsClock() {
        return true;
    }

    @Override
    protected boolean supportsReopen() {
        return true;
    }

    @Override
    protected long largeBlobBytes() {
        return 16L << 20; // four 5 MiB parts: multipart, and quick on a busy machine
    }
}
