package dev.cairn.cache.s3;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.store.Blob;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.BlobTooLargeException;
import dev.cairn.spi.store.CleanResult;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFactory;
import dev.cairn.spi.store.StoreUnavailableException;
import dev.cairn.testkit.FakeHostContext;
import dev.cairn.testkit.store.ManualClock;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** S3-specific behaviour against a real S3-compatible server (s3proxy in-process). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3StoreTest {
    private static S3ProxyFixture s3;
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    @BeforeAll
    static void startS3() throws Exception {
        s3 = new S3ProxyFixture();
    }

    @AfterAll
    static void stopS3() throws Exception {
        s3.close();
    }

    private static String freshPrefix() {
        return "t" + PREFIXES.incrementAndGet() + "/";
    }

    private static S3Store open(S3Options options) throws Exception {
        return S3StoreFactory.open(options, Clock.systemUTC(), Duration.ofHours(1));
    }

    private static S3Options options(String prefix, long maxSize) {
        return s3.options("unit", prefix, maxSize, true);
    }

    private static List<String> objects(String bucket, String prefix) {
        List<String> names = new ArrayList<>();
        for (StorageMetadata m : s3.blobStore().list(bucket, ListContainerOptions.Builder.prefix(prefix).recursive())) {
            if (m.getName().startsWith(prefix)) {
                names.add(m.getName());
            }
        }
        names.sort(null);
        return names;
    }

    @Nested
    class Bucket {
        @Test
        void missingBucketWithoutAutoCreateIsAConfigurationError() {
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> open(s3.options("absent-bucket", "", 0, false)));
            assertEquals("bucket", e.key());
            assertTrue(e.getMessage().contains("absent-bucket") && e.getMessage().contains("autoCreate"),
                    e.getMessage());
            assertFalse(s3.blobStore().containerExists("absent-bucket"));
        }

        @Test
        void missingBucketWithAutoCreateIsCreated() throws Exception {
            assertFalse(s3.blobStore().containerExists("created-bucket"));
            try (S3Store store = open(s3.options("created-bucket", "", 0, true))) {
                assertTrue(s3.blobStore().containerExists("created-bucket"));
                store.put("ab12", "output", new byte[]{1, 2, 3});
                assertArrayEquals(new byte[]{1, 2, 3}, store.getBytes("ab12", "output").orElseThrow());
            }
        }

        @Test
        void badCredentialsAreAConfigurationError() {
            S3Options good = options("", 0);
            S3Options bad = new S3Options(good.bucket(), null, good.endpoint(), S3ProxyFixture.ACCESS_KEY,
                    "wrong-secret", null, true, null, null, null, null, null, null);
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> open(bad));
            assertEquals("accessKey", e.key());
            assertTrue(e.getMessage().contains("403"), e.getMessage());
        }
    }

    @Nested
    class ObjectNames {
        @Test
        void entriesLiveUnderPrefixViewShardAndGenerationWithTheMarkerLast() throws Exception {
            String prefix = freshPrefix();
            try (S3Store store = open(options(prefix, 0))) {
                store.put("abcdef", Map.of("output", BlobSource.of(new byte[70_000]),
                        "stdout", BlobSource.of(new byte[2])));
                store.namespace("ns1").put("abcdef", "output", new byte[70_000]);

                List<String> names = objects("unit", prefix);
                assertEquals(5, names.size(), names.toString());
                assertEquals(prefix + "_default/ab/abcdef/.entry", names.get(0));
                assertTrue(names.get(1).matches(java.util.regex.Pattern.quote(prefix)
                        + "_default/ab/abcdef/[0-9a-f]+/output"), names.get(1));
                assertTrue(names.get(2).endsWith("/stdout"));
                assertEquals(prefix + "ns1/ab/abcdef/.entry", names.get(3));
                assertTrue(names.get(4).startsWith(prefix + "ns1/ab/abcdef/"));
            }
        }

        @Test
        void smallEntriesRideInTheirMarker() throws Exception {
            String prefix = freshPrefix();
            try (S3Store a = open(options(prefix, 0)); S3Store b = open(options(prefix, 0))) {
                a.put("abcdef", Map.of("output", BlobSource.of(new byte[]{1, 2}), "stdout", BlobSource.of(new byte[]{3})));
                assertEquals(List.of(prefix + "_default/ab/abcdef/.entry"), objects("unit", prefix));
                long before = b.backend().getRequests.get();
                assertArrayEquals(new byte[]{1, 2}, b.getBytes("abcdef", "output").orElseThrow());
                assertEquals(1, b.backend().getRequests.get() - before, "one GET reads a small entry");
                assertArrayEquals(new byte[]{3}, b.getBytes("abcdef", "stdout").orElseThrow());

                a.put("abcdef", "output", new byte[70_000]); // replaced by a large one: the marker switches
                assertEquals(70_000, b.getBytes("abcdef", "output").orElseThrow().length);
                assertTrue(b.get("abcdef", "stdout").isEmpty());
                assertEquals(2, objects("unit", prefix).size(), "marker and one blob");
            }
        }

        @Test
        void aKnownLargeEntryIsReadWithOneRequestAndOthersThroughTheirMarker() throws Exception {
            String prefix = freshPrefix();
            int size = (int) Manifest.INLINE_LIMIT + 1;
            try (S3Store a = open(options(prefix, 0)); S3Store b = open(options(prefix, 0))) {
                a.put("abcdef", "output", new byte[size]);
                long before = a.backend().getRequests.get();
                assertEquals(size, a.getBytes("abcdef", "output").orElseThrow().length);
                assertEquals(1, a.backend().getRequests.get() - before, "the writer knows the generation");

                before = b.backend().getRequests.get();
                assertEquals(size, b.getBytes("abcdef", "output").orElseThrow().length);
                assertEquals(2, b.backend().getRequests.get() - before, "another process reads the marker first");

                a.put("abcdef", "output", new byte[size + 1]); // replaced: b's generation is gone
                assertEquals(size + 1, b.getBytes("abcdef", "output").orElseThrow().length);
            }
        }

        @Test
        void anEntryWithoutItsMarkerIsInvisible() throws Exception {
            String prefix = freshPrefix();
            dev.cairn.cache.s3.Layout layout = new dev.cairn.cache.s3.Layout(prefix);
            // The blobs of a put that never wrote its marker (a crash, or one still uploading elsewhere).
            s3.blobStore().putBlob("unit", s3.blobStore().blobBuilder(
                    layout.blob(dev.cairn.cache.s3.Layout.ROOT_VIEW, "abcdef", "g1", "output"))
                    .payload(new byte[10]).build());
            try (S3Store store = open(options(prefix, 0))) {
                assertFalse(store.has("abcdef"));
                assertTrue(store.get("abcdef", "output").isEmpty());
                assertEquals(0, store.stats().entries());
                assertEquals(1, objects("unit", prefix).size(), "young leftovers are kept: the put may be running");
            }
        }
    }

    @Nested
    class Limits {
        @Test
        void blobLargerThanMaxBlobBytesIsRefusedAndNothingIsWritten() throws Exception {
            String prefix = freshPrefix();
            S3Options o = options(prefix, 0).with(DataSize.ofBytes(0), true, DataSize.ofBytes(1000), prefix,
                    DataSize.ofBytes(S3Options.MIN_PART_SIZE));
            try (S3Store store = open(o)) {
                store.put("small1", "output", new byte[1000]);
                BlobTooLargeException e = assertThrows(BlobTooLargeException.class,
                        () -> store.put("big1", Map.of("output", BlobSource.of(new byte[1001]))));
                assertTrue(e.getMessage().contains("maxBlobBytes"), e.getMessage());
                assertFalse(store.has("big1"));
                assertEquals(1, store.stats().entries());
                assertTrue(objects("unit", prefix).stream().noneMatch(n -> n.contains("big1")));
            }
        }

        @Test
        void largeBlobsAreUploadedInPartsAndStreamed() throws Exception {
            String prefix = freshPrefix();
            long size = 2 * S3Options.MIN_PART_SIZE + 12345; // three parts of 5 MiB, 5 MiB, 12345 bytes
            try (S3Store store = open(options(prefix, 0))) {
                store.put("bigone", Map.of("output", generated(size, 7)));

                assertEquals(1, store.backend().multipartUploads.get());
                assertEquals(3, store.backend().partsUploaded.get());
                try (Blob blob = store.get("bigone", "output").orElseThrow()) {
                    assertEquals(size, blob.size());
                    assertEquals(sha256(generated(size, 7).open()), sha256(blob.stream()));
                }
                assertEquals(size, store.stats().sizeBytes());
            }
        }

        @Test
        void aFailingLargeUploadIsAbortedAndLeavesNothing() throws Exception {
            String prefix = freshPrefix();
            long size = 2 * S3Options.MIN_PART_SIZE + 1;
            BlobSource failing = new BlobSource() {
                @Override
                public long size() {
                    return size;
                }

                @Override
                public InputStream open() throws IOException {
                    return new InputStream() {
                        private long pos;

                        @Override
                        public int read() throws IOException {
                            if (pos++ > S3Options.MIN_PART_SIZE + 10) {
                                throw new IOException("client went away");
                            }
                            return 1;
                        }
                    };
                }
            };
            try (S3Store store = open(options(prefix, 0))) {
                IOException e = assertThrows(IOException.class, () -> store.put("bigone", Map.of("output", failing)));
                assertFalse(e instanceof StoreUnavailableException, "a failing source is not an S3 outage: " + e);
                assertFalse(store.has("bigone"));
                assertEquals(List.of(), objects("unit", prefix));
                assertTrue(s3.blobStore().listMultipartUploads("unit").stream()
                        .noneMatch(u -> u.blobName().startsWith(prefix)), "multipart upload aborted");
            }
        }
    }

    @Nested
    class Eviction {
        @Test
        void seedingListsOnceAndEvictionDeletesInBatchesOfAThousand() throws Exception {
            String prefix = freshPrefix();
            org.jclouds.blobstore.BlobStore blobs = s3.blobStore();
            dev.cairn.cache.s3.Layout layout = new dev.cairn.cache.s3.Layout(prefix);
            int entries = 1100;
            long perEntry = 10 + new Manifest("g1", Map.of("output", 10L)).encode().length; // blob + marker
            for (int i = 0; i < entries; i++) {
                String key = String.format("k%05d", i);
                Manifest m = new Manifest("g1", Map.of("output", 10L));
                blobs.putBlob("unit", blobs.blobBuilder(layout.blob(dev.cairn.cache.s3.Layout.ROOT_VIEW, key, "g1", "output"))
                        .payload(new byte[10]).build());
                blobs.putBlob("unit", blobs.blobBuilder(layout.marker(dev.cairn.cache.s3.Layout.ROOT_VIEW, key))
                        .payload(m.encode()).build());
            }
            // Leftover of a crashed put (no marker); the store's clock is two hours ahead, so it is old.
            blobs.putBlob("unit", blobs.blobBuilder(layout.blob(dev.cairn.cache.s3.Layout.ROOT_VIEW, "crashed1", "g1", "output"))
                    .payload(new byte[3]).build());
            ManualClock clock = new ManualClock(Instant.now().plus(Duration.ofHours(2)));
            try (S3Store store = S3StoreFactory.open(options(prefix, 0), clock, Duration.ofHours(1))) {
                assertEquals(entries, store.stats().entries());
                assertEquals(entries * perEntry, store.stats().sizeBytes());
                assertTrue(objects("unit", prefix + "_default/cr/").isEmpty(), "leftover removed at start");
                long before = store.backend().deleteRequests.get();

                CleanResult r = store.clean(0, null);

                assertEquals(new CleanResult(entries, entries * perEntry), r);
                assertEquals(4, store.backend().deleteRequests.get() - before,
                        "1100 markers in 2 batches, then 1100 blobs in 2 batches");
                assertEquals(List.of(), objects("unit", prefix));
            }
        }

        @Test
        void accessIsWrittenToTheBucketAndSurvivesARestart() throws Exception {
            String prefix = freshPrefix();
            ManualClock clock = new ManualClock(Instant.now());
            try (S3Store store = S3StoreFactory.open(options(prefix, 0), clock, Duration.ofMinutes(10))) {
                store.put("read1", "output", new byte[10]);
                store.put("unread", "output", new byte[10]);
                assertTrue(store.getBytes("read1", "output").isPresent());
                assertEquals(0, store.backend().accessWrites.get(), "not again within 10 minutes");
                clock.advance(Duration.ofMinutes(11));
                assertTrue(store.getBytes("read1", "output").isPresent());
                store.backend().drainBackground(Duration.ofSeconds(10));
                assertEquals(1, store.backend().accessWrites.get());
            }
            Map<String, String> meta = s3.blobStore().blobMetadata("unit", prefix + "_default/re/read1/.entry")
                    .getUserMetadata();
            assertEquals(Long.toString(clock.millis()), meta.get("cairn-access"), meta.toString());
        }

        @Test
        void entriesWrittenByAnotherProcessJoinTheIndexWhenRead() throws Exception {
            String prefix = freshPrefix();
            try (S3Store a = open(options(prefix, 0)); S3Store b = open(options(prefix, 0))) {
                a.put("shared1", "output", new byte[100]);
                assertEquals(0, b.stats().entries(), "b listed before a wrote");
                assertEquals(100, b.getBytes("shared1", "output").orElseThrow().length);
                assertEquals(1, b.stats().entries());
                assertEquals(100, b.stats().sizeBytes());
                assertTrue(a.delete("shared1"));
                assertTrue(b.get("shared1", "output").isEmpty());
                assertEquals(0, b.stats().entries(), "a miss on a known entry drops it from the estimate");
            }
        }
    }

    @Nested
    class Outage {
        @Test
        void s3StoppedMidRunIsUnavailableAndRecovers() throws Exception {
            String prefix = freshPrefix();
            try (S3Store store = open(options(prefix, 0))) {
                store.put("before", "output", new byte[]{1});
                s3.stop();
                try {
                    assertThrows(StoreUnavailableException.class, () -> store.get("before", "output"));
                    assertThrows(StoreUnavailableException.class, () -> store.has("before"));
                    assertThrows(StoreUnavailableException.class, () -> store.put("during", "output", new byte[1]));
                } finally {
                    s3.restart();
                }
                assertArrayEquals(new byte[]{1}, store.getBytes("before", "output").orElseThrow());
                assertFalse(store.has("during"), "the failed put left nothing visible");
                store.put("after", "output", new byte[]{2});
                assertTrue(store.has("after"));
            }
        }

        @Test
        void s3DownAtStartStillStartsAndSeedsOnFirstUse() throws Exception {
            String prefix = freshPrefix();
            try (S3Store first = open(options(prefix, 0))) {
                first.put("old1", "output", new byte[7]);
            }
            s3.stop();
            S3Store store;
            try {
                store = open(options(prefix, 0));
                assertFalse(store.backend().ready());
                assertThrows(StoreUnavailableException.class, () -> store.stats());
            } finally {
                s3.restart();
            }
            try (store) {
                assertEquals(1, store.stats().entries(), "seeded once S3 answered");
                assertTrue(store.backend().ready());
            }
        }
    }

    @Nested
    class Configuration {
        @Test
        void factoryIsFoundByNameAndBindsItsRecord() throws Exception {
            FakeHostContext ctx = new FakeHostContext(Path.of("/nonexistent"));
            @SuppressWarnings("unchecked")
            StoreFactory<S3Options> f = ctx.factory(StoreFactory.class, "s3", "cache.stores[0].type");
            assertEquals(S3Options.class, f.configType());
            try (Store store = f.create(options(freshPrefix(), 0), ctx)) {
                assertTrue(store.describe().startsWith("s3:s3://unit/"), store.describe());
                assertTrue(store.dir().isEmpty());
            }
        }

        @Test
        void invalidValuesNameTheirKey() {
            assertEquals("bucket", assertThrows(ConfigurationException.class,
                    () -> S3Options.of(null, null, null, null)).key());
            assertEquals("bucket", assertThrows(ConfigurationException.class,
                    () -> S3Options.of("Bad_Bucket", null, null, null)).key());
            assertEquals("endpoint", assertThrows(ConfigurationException.class,
                    () -> S3Options.of("b1b", "ftp://x", null, null)).key());
            assertEquals("secretKey", assertThrows(ConfigurationException.class,
                    () -> S3Options.of("b1b", null, "ak", null)).key());
            assertEquals("accessKey", assertThrows(ConfigurationException.class,
                    () -> S3Options.of("b1b", null, "", "sk")).key());
            assertEquals("prefix", assertThrows(ConfigurationException.class, () -> new S3Options("b1b", null, null,
                    null, null, null, null, null, "../x", null, null, null, null)).key());
            assertEquals("partSize", assertThrows(ConfigurationException.class, () -> new S3Options("b1b", null,
                    null, null, null, null, null, null, null, null, null, null, DataSize.ofBytes(1 << 20))).key());
        }

        @Test
        void defaultsAndTimeoutsScaleWithSize() {
            S3Options o = S3Options.of("b1b", null, null, null);
            assertEquals("us-east-1", o.region());
            assertEquals("", o.prefix());
            assertEquals(0, o.maxSize().bytes());
            assertFalse(o.autoCreate());
            assertEquals("cairn/", new S3Options("b1b", null, null, null, null, null, null, null, "cairn", null, null,
                    null, null).prefix());
            assertEquals(Duration.ofSeconds(30), o.timeoutFor(0));
            assertEquals(Duration.ofSeconds(30 + 100), o.timeoutFor(100L << 20), "1 MiB/s for 100 MiB");
        }
    }

    private static BlobSource generated(long size, int seed) {
        return new BlobSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() {
                return new InputStream() {
                    private long pos;

                    @Override
                    public int read() {
                        return pos < size ? (int) ((pos++ * 31 + seed) & 0xff) : -1;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (pos >= size) {
                            return -1;
                        }
                        int n = (int) Math.min(len, size - pos);
                        for (int i = 0; i < n; i++) {
                            b[off + i] = (byte) ((pos++ * 31 + seed) & 0xff);
                        }
                        return n;
                    }
                };
            }
        };
    }

    private static String sha256(InputStream in) throws Exception {
        try (in) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        }
    }

    @SuppressWarnings("unused")
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
