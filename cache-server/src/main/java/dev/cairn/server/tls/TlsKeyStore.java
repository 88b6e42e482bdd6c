package dev.cairn.server.tls;

import dev.cairn.server.ServerConfig;
import dev.cairn.spi.ConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's key and certificate chain, loaded from a PKCS12 file or from PEM files.
 *
 * @param keyStore a key store holding one key entry
 * @param password the password of the store and of its key
 */
public record TlsKeyStore(KeyStore keyStore, String password) {
    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    /** Checks the components. */
    public TlsKeyStore {
        Objects.requireNonNull(keyStore, "keyStore is null");
        Objects.requireNonNull(password, "password is null");
    }

    /**
     * @param tls the {@code server.tls} section
     * @return the key store
     * @throws ConfigurationException naming the key of a file that cannot be read or parsed
     */
    public static TlsKeyStore load(ServerConfig.Tls tls) {
        if (tls.keyStore() != null) {
            try (InputStream in = Files.newInputStream(Path.of(tls.keyStore()))) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(in, tls.keyStorePassword().toCharArray());
                return new TlsKeyStore(ks, tls.keyStorePassword());
            } catch (IOException | GeneralSecurityException e) {
                throw new ConfigurationException("server.tls.keyStore",
                        "cannot read PKCS12 key store " + tls.keyStore() + ": " + e.getMessage(), e);
            }
        }
        Certificate[] chain = readCertificates(tls.certificate());
        PrivateKey key = readPrivateKey(tls.privateKey());
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            String password = "cairn";
            ks.setKeyEntry("server", key, password.toCharArray(), chain);
            return new TlsKeyStore(ks, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("server.tls", "key does not fit certificate: " + e.getMessage(), e);
        }
    }

    private static Certificate[] readCertificates(String file) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new ConfigurationException("server.tls.certificate", file + " holds no certificate");
            }
            return certs.toArray(new Certificate[0]);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("server.tls.certificate",
                    "cannot read PEM certificates from " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPrivateKey(String file) {
        String pem;
        try {
            pem = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigurationException("server.tls.privateKey", "cannot read " + file + ": " + e.getMessage(), e);
        }
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            throw new ConfigurationException("server.tls.privateKey", file
                    + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert it with"
                    + " 'openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8'");
        }
        byte[] der = Base64.getMimeDecoder().decode(m.group(1));
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new ConfigurationException("server.tls.privateKey", file + ": not an RSA, EC or Ed25519 key");
    }

}
