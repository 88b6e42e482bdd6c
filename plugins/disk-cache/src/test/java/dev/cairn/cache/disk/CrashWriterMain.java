package dev.cairn.cache.disk;

import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.store.BlobSource;
import dev.cairn.spi.store.Store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

/**
 * The child JVM of {@link DiskStoreCrashTest}: writes entries to a disk store and reports progress on stdout until
 * the test kills it with SIGKILL.
 *
 * <p>{@code loop <dir>}: writes entries {@code k0, k1, ...} and replaces entry {@code replaced}, printing
 * {@code committed <i>} after each. {@code block <dir>}: writes {@code c0..c4}, then starts a three-blob entry
 * {@code partial} whose second blob stops half way (printing {@code midway}) and waits forever.
 */
public final class CrashWriterMain {
    private CrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        DiskStoreConfig config = new DiskStoreConfig(dir.toString(), DataSize.ofBytes(0), null, null,
                DataSize.ofBytes(0), null, true);
        Store store = DiskStore.open(dir, config, Clock.systemUTC());
        if (args[0].equals("loop")) {
            for (int i = 0; ; i++) {
                store.put("k" + i, entry(i));
                store.put("replaced", entry(i));
                System.out.println("committed " + i);
                System.out.flush();
            }
        }
        for (int i = 0; i < 5; i++) {
            store.put("c" + i, entry(i));
        }
        System.out.println("committed 4");
        System.out.flush();
        store.put("partial", Map.of("output", BlobSource.of(filled(64 * 1024, 1)), "stdout", stalling(),
                "metadata", BlobSource.of("seed=99".getBytes(StandardCharsets.UTF_8))));
        System.out.println("unexpected: partial entry completed");
    }

    /** An entry whose blobs all derive from {@code seed}, so a reader can tell a whole entry from a mixed one. */
    static Map<String, BlobSource> entry(int seed) {
        return Map.of("output", BlobSource.of(filled(200 * 1024 + seed, seed)),
                "stderr", BlobSource.of(filled(100 + seed, seed + 1)),
                "metadata", BlobSource.of(("seed=" + seed).getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] filled(int size, int value) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static BlobSource stalling() {
        return new BlobSource() {
            @Override
            public long size() {
                return 4L << 20;
            }

            @Override
            public InputStream open() {
                return new InputStream() {
                    private long position;

                    @Override
                    public int read() throws IOException {
                        byte[] one = new byte[1];
                        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        if (position >= 2L << 20) {
                            System.out.println("midway");
                            System.out.flush();
                            System.in.read(); // the test never writes: this blocks until SIGKILL
                            throw new IOException("stdin closed");
                        }
                        int n = (int) Math.min(len, (2L << 20) - position);
                        Arrays.fill(b, off, off + n, (byte) 7);
                        position += n;
                        return n;
                    }
                };
            }
        };
    }
}
