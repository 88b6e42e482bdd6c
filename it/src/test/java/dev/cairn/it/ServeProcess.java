package dev.cairn.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bin/cairn serve} of the assembled distribution, started with a config file and returned once it logs
 * {@code listening on <url>}; closing sends SIGTERM (then SIGKILL after 30 s). Its output is collected all along.
 */
public final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (https?://127\\.0\\.0\\.1:[0-9]+)");

    private final Process process;
    private final URI base;
    private final List<String> output;
    private final Thread reader;

    private ServeProcess(Process process, URI base, List<String> output, Thread reader) {
        this.process = process;
        this.base = base;
        this.output = output;
        this.reader = reader;
    }

    /** @return {@code bin/cairn} of the distribution under test ({@code -Dcairn.dist}) */
    public static Path cairn() {
        String dist = System.getProperty("cairn.dist");
        if (dist == null) {
            throw new AssertionError("system property cairn.dist is not set (run through Maven)");
        }
        Path bin = Path.of(dist, "bin", "cairn").toAbsolutePath().normalize();
        if (!Files.isExecutable(bin)) {
            throw new AssertionError(bin + " is missing: build the distribution first (mvn install)");
        }
        return bin;
    }

    /**
     * @param config the config file
     * @param env extra environment variables
     * @return the running server
     */
    public static ServeProcess start(Path config, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cairn().toString(), "serve", "--config", config.toString())
                .redirectErrorStream(true);
        pb.environment().remove("CAIRN_CONFIG");
        pb.environment().putAll(env);
        Process p = pb.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
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
            return new ServeProcess(p, URI.create(url.get(90, TimeUnit.SECONDS)), lines, reader);
        } catch (ExecutionException | TimeoutException e) {
            terminate(p);
            throw new AssertionError("cairn serve did not start: " + e.getMessage() + "\n" + String.join("\n", lines),
                    e);
        }
    }

    /** @return the main listener, e.g. {@code http://127.0.0.1:41234} */
    public URI base() {
        return base;
    }

    /** @return the process */
    public Process process() {
        return process;
    }

    /** @return every line it printed so far (stdout and stderr) */
    public List<String> output() {
        return output;
    }

    /**
     * SIGTERM, through kill(1) rather than {@link Process#destroy()}, which would also close our end of its output;
     * SIGKILL if it has not stopped within 30 s.
     */
    private static void terminate(Process p) throws InterruptedException {
        try {
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            p.destroy();
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Stops it and waits until its output is read to the end. */
    @Override
    public void close() throws InterruptedException {
        terminate(process);
        reader.join(10_000);
    }
}
