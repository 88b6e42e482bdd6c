package dev.cairn.layerfs;

import dev.cairn.layerfs.archive.LayerIndex;
import dev.cairn.layerfs.trace.AccessTracer;
import dev.cairn.layerfs.union.Mounts;
import dev.cairn.layerfs.union.UnionFs;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A real FUSE mount of a {@link UnionFs} for tests; always unmounts on close (lazy detach as a fallback). */
public final class FuseMount implements AutoCloseable {
    public final Path mountPoint;
    public final UnionFs fs;

    private FuseMount(Path mountPoint, UnionFs fs) {
        this.mountPoint = mountPoint;
        this.fs = fs;
    }

    /** Skips the test (with a message) where FUSE is absent. */
    public static void assumeFuse() {
        Assumptions.assumeTrue(Mounts.fuseAvailable(),
                "FUSE tests skipped: /dev/fuse or libfuse.so.2 is missing (apt-get install libfuse2 fuse3)");
    }

    public static FuseMount mount(Path mountPoint, List<LayerIndex> lowersTopFirst, Path rw, Duration wait,
                                  AccessTracer tracer) throws IOException {
        assumeFuse();
        Files.createDirectories(mountPoint);
        UnionFs fs = new UnionFs(lowersTopFirst, rw.resolve("upper"), rw.resolve("work"), wait, tracer);
        try {
            fs.mountAt(mountPoint);
        } catch (IOException | RuntimeException e) {
            fs.unmount(mountPoint);
            throw e;
        }
        return new FuseMount(mountPoint, fs);
    }

    public Path path(String rel) {
        return mountPoint.resolve(rel);
    }

    @Override
    public void close() {
        fs.unmount(mountPoint);
    }
}
