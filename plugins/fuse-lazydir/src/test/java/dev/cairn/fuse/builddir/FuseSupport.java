package dev.cairn.fuse.builddir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared pieces of the FUSE tests: the /dev/fuse assumption, mounting, forced cleanup. */
final class FuseSupport {
    private FuseSupport() {
    }

    static void assumeFuse() {
        assumeTrue(Files.exists(Path.of("/dev/fuse")),
                "/dev/fuse is absent: FUSE tests need the fuse kernel module and libfuse2 (apt-get install fuse)");
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static FuseMount mount(Manifest manifest, ContentSource source, dev.cairn.spi.pool.FilePool pool, Path mp,
                           ByteArrayOutputStream err) throws IOException {
        BuildDirFileSystem fs = new BuildDirFileSystem(manifest, new InputCache(source, mp.getParent()), pool,
                Clock.systemUTC(), 0, 0);
        return FuseMount.mount(fs, mp, new PrintStream(err, true, StandardCharsets.UTF_8), Duration.ofSeconds(20));
    }

    /** Last resort so a failed test never leaves a mount behind. */
    static void forceUnmount(Path mp) {
        try {
            Path canonical = MountTable.canonical(mp);
            if (MountTable.typeAt(canonical).isPresent()) {
                FuseMount.fusermount("-u", "-z", canonical.toString());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
