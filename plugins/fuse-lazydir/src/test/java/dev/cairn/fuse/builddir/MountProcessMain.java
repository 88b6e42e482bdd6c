package dev.cairn.fuse.builddir;

import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.store.Store;
import dev.cairn.testkit.FakeHostContext;
import dev.cairn.testkit.InMemoryStore;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code cairn builddir mount} in a JVM of its own, so tests can SIGKILL or SIGTERM a mount. Arguments: a seed
 * directory (files named by their sha256, loaded into an in-memory store's {@code source} namespace), the manifest
 * and the mount point.
 */
public final class MountProcessMain {
    private MountProcessMain() {
    }

    /** @param args seed directory, manifest, mount point */
    public static void main(String[] args) throws Exception {
        InMemoryStore store = new InMemoryStore(0);
        Store source = store.namespace("source");
        try (DirectoryStream<Path> seeds = Files.newDirectoryStream(Path.of(args[0]))) {
            for (Path p : seeds) {
                source.put(p.getFileName().toString(), "content", Files.readAllBytes(p));
            }
        }
        FakeHostContext ctx = new FakeHostContext(Path.of(".").toAbsolutePath()).withStore(store);
        int rc = new BuildDirCommand().run(List.of("mount", "--pool", "temp", args[1], args[2]),
                new CommandIo(System.in, System.out, System.err, false), ctx);
        System.out.flush();
        System.exit(rc);
    }

    /**
     * Starts a mount process.
     *
     * @param seeds the seed directory
     * @param manifest the manifest
     * @param mountpoint the mount point
     * @param log where the process's output goes
     * @return the process
     */
    public static Process start(Path seeds, Path manifest, Path mountpoint, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", cp,
                MountProcessMain.class.getName(), seeds.toString(), manifest.toString(), mountpoint.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Waits until the log shows the mount, or the process died.
     *
     * @return whether it mounted within the deadline
     */
    public static boolean awaitMounted(Process p, Path log, long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains("mounted ")) {
                return true;
            }
            if (!p.isAlive()) {
                return false;
            }
            p.waitFor(20, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        return false;
    }
}
