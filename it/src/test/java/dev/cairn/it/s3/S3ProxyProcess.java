package dev.cairn.it.s3;

import org.gaul.s3proxy.S3Proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * s3proxy in a child JVM over jclouds' in-memory store. Not in this JVM: s3proxy 2.6 needs the Jakarta Servlet 5
 * API, which Jetty 12 (managed by the parent for the host) no longer brings, so the child's class path adds that
 * one jar from the local repository next to s3proxy's.
 */
final class S3ProxyProcess implements AutoCloseable {
    static final String ACCESS = "it-access";
    static final String SECRET = "it-secret";

    private final Process process;
    private final int port;
    private final Path log;

    private S3ProxyProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static S3ProxyProcess start(Path dir) throws IOException, InterruptedException, URISyntaxException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS,
                "s3proxy.credential=" + SECRET,
                // s3proxy 2.6 rejects the CRC32 header AWS SDK >= 2.30 always sends on DeleteObjects
                "s3proxy.ignore-unknown-headers=true",
                "jclouds.provider=transient",
                "jclouds.identity=identity",
                "jclouds.credential=credential", ""));
        Path s3proxyJar = Path.of(S3Proxy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path repository = s3proxyJar.getParent().getParent().getParent().getParent().getParent();
        Path servletApi = repository.resolve(
                "org/eclipse/jetty/toolchain/jetty-jakarta-servlet-api/5.0.2/jetty-jakarta-servlet-api-5.0.2.jar");
        if (!Files.isRegularFile(servletApi)) {
            throw new AssertionError(servletApi + " is missing from the local repository (the s3-cache plugin's"
                    + " test build resolves it)");
        }
        String classPath = System.getProperty("java.class.path") + java.io.File.pathSeparator + servletApi;
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", classPath, "org.gaul.s3proxy.Main", "--properties", props.toString()));
        Path log = dir.resolve("s3proxy.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        S3ProxyProcess s3 = new S3ProxyProcess(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!s3.accepts()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                s3.close();
                throw new AssertionError("s3proxy did not start:\n" + Files.readString(log));
            }
            TimeUnit.MILLISECONDS.sleep(100); // polling a child process's port, with a deadline
        }
        return s3;
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
