package dev.cairn.it.cache;

import dev.cairn.it.ServeProcess;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/cairn serve} of the assembled distribution, with a disk store in a temp directory, started on a free
 * port; stopped (SIGTERM, then SIGKILL) on close.
 */
final class CairnServe implements AutoCloseable {
    private final ServeProcess serve;
    final Process process;
    final URI base;
    final List<String> output;

    private CairnServe(ServeProcess serve) {
        this.serve = serve;
        this.process = serve.process();
        this.base = serve.base();
        this.output = serve.output();
    }

    /**
     * @param dir a temp directory for the config and the store
     * @param serverExtra extra keys of the {@code server} map, e.g. {@code ", maxBlobSize: 1KiB"}
     */
    static CairnServe start(Path dir, String serverExtra) throws IOException, InterruptedException {
        Path store = dir.resolve("store");
        Path config = dir.resolve("cairn.yaml");
        Files.writeString(config, "server: {host: 127.0.0.1, port: 0" + serverExtra + "}\n"
                + "cache: {stores: [{type: disk, dir: " + store + ", maxSize: 1GiB}]}\n");
        return new CairnServe(ServeProcess.start(config, java.util.Map.of()));
    }

    String url(String path) {
        return base + path;
    }

    @Override
    public void close() throws InterruptedException {
        serve.close();
    }

    /** Runs a command, failing on a timeout; returns exit code and combined output. */
    static Result run(Path cwd, java.util.Map<String, String> env, String... cmd)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<output unreadable: " + e + ">";
            }
        });
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), out.join());
    }

    record Result(int exit, String output) {
    }
}
