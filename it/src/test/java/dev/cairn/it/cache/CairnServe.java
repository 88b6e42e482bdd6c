package dev.cairn.it.cache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/cairn serve} of the assembled distribution, with a disk store in a temp directory, started on a free
 * port; stopped (SIGTERM, then SIGKILL) on close.
 */
final class CairnServe implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (https?://127\\.0\\.0\\.1:[0-9]+)");

    final Process process;
    final URI base;
    final List<String> output = new CopyOnWriteArrayList<>();

    private CairnServe(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    static Path cairn() {
        String dist = System.getProperty("cairn.dist");
        if (dist == null) {
            throw new AssertionError("system property cairn.dist is not set (run through Maven)");
        }
        Path bin = Path.of(dist, "bin", "cairn");
        if (!Files.isExecutable(bin)) {
            throw new AssertionError(bin + " is missing: build the distribution first (mvn install)");
        }
        return bin;
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
        List<String> cmd = new ArrayList<>(List.of(cairn().toString(), "serve", "--config", config.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException e) {
                url.completeExceptionally(e);
            }
            url.completeExceptionally(new IOException("cairn serve exited before listening: " + lines));
        }, "cairn-serve-output");
        reader.setDaemon(true);
        reader.start();
        try {
            CairnServe serve = new CairnServe(p, URI.create(url.get(60, TimeUnit.SECONDS)));
            serve.output.addAll(lines);
            return serve;
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
            stop(p);
            throw new AssertionError("cairn serve did not start: " + e.getMessage() + "\n" + String.join("\n", lines),
                    e);
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    String url(String path) {
        return base + path;
    }

    @Override
    public void close() throws InterruptedException {
        stop(process);
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
