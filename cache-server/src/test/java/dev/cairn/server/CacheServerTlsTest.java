package dev.cairn.server;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.testkit.InMemoryStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class CacheServerTlsTest {
    @TempDir
    static Path dir;
    static Path p12;
    static Path certPem;

    @BeforeAll
    static void generateCertificate() throws Exception {
        p12 = dir.resolve("server.p12");
        run("keytool", "-genkeypair", "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-alias", "cairn", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost");
        certPem = dir.resolve("cert.pem");
        run("keytool", "-exportcert", "-rfc", "-keystore", p12.toString(), "-storepass", "changeit", "-alias",
                "cairn", "-file", certPem.toString());
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes());
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    static HttpClient trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("cairn", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static ServerConfig tls(ServerConfig.Tls tls) {
        return new ServerConfig("127.0.0.1", 0, null, null, null, null, null, tls);
    }

    @Test
    void servesHttpsFromPkcs12() throws Exception {
        InMemoryStore store = new InMemoryStore(0);
        ServerConfig.Tls t = new ServerConfig.Tls(p12.toString(), "changeit", null, null);
        try (ServerFixture f = new ServerFixture(tls(t), store, trusting(certPem))) {
            assertTrue(f.base.toString().startsWith("https://127.0.0.1:"), f.base.toString());
            assertEquals(List.of(f.base.toString()), f.listening);
            assertEquals(201, f.send("PUT", "/cache/0123456789abcdef", "secure".getBytes()).statusCode());
            HttpResponse<String> r = f.send("GET", "/cache/0123456789abcdef", null);
            assertEquals("secure", r.body());
            assertEquals("secure", ServerFixture.curl(List.of("--cacert", certPem.toString(),
                    f.url("/cache/0123456789abcdef"))));
            // Plain HTTP on the TLS port does not reach the cache.
            String plain = ServerFixture.curl(List.of("-o", "/dev/null", "-w", "%{http_code}",
                    f.url("/cache/0123456789abcdef").replace("https:", "http:")));
            assertTrue(!plain.strip().equals("200"), plain);
        }
    }

    @Test
    void servesHttpsFromPem() throws Exception {
        Path keyPem = dir.resolve("key.pem");
        Path pemCert = dir.resolve("pem-cert.pem");
        try {
            run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", keyPem.toString(), "-out", pemCert.toString(), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1");
        } catch (IOException e) {
            Assumptions.abort("openssl is not installed: " + e.getMessage());
        }
        ServerConfig.Tls t = new ServerConfig.Tls(null, null, pemCert.toString(), keyPem.toString());
        try (ServerFixture f = new ServerFixture(tls(t), new InMemoryStore(0), trusting(pemCert))) {
            assertEquals(404, f.send("GET", "/cache/0123456789abcdef", null).statusCode());
            assertEquals("404", f.curlStatus("--cacert", pemCert.toString(), f.url("/cache/0123456789abcdef")));
        }
    }

    @Test
    void unreadableKeyStoreNamesTheKey() {
        ServerConfig.Tls t = new ServerConfig.Tls(dir.resolve("missing.p12").toString(), "x", null, null);
        CacheServer server = new CacheServer(tls(t), new InMemoryStore(0), null, ServerFixture.HOST, u -> { });
        ConfigurationException e = assertThrows(ConfigurationException.class, server::start);
        assertEquals("server.tls.keyStore", e.key());
    }

    @Test
    void pkcs1KeysAreRefusedWithAConversionHint() throws IOException {
        Path rsa = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----\n");
        ServerConfig.Tls t = new ServerConfig.Tls(null, null, certPem.toString(), rsa.toString());
        CacheServer server = new CacheServer(tls(t), new InMemoryStore(0), null, ServerFixture.HOST, u -> { });
        ConfigurationException e = assertThrows(ConfigurationException.class, server::start);
        assertEquals("server.tls.privateKey", e.key());
        assertTrue(e.getMessage().contains("openssl pkcs8"), e.getMessage());
    }
}
