package dev.cairn.server;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.config.DataSize;

import java.util.List;
import java.util.Locale;

/**
 * The {@code server} section of the configuration: where the cache server listens and what it accepts.
 *
 * <pre>{@code
 * server:
 *   host: 127.0.0.1
 *   port: 8080
 *   maxBlobSize: 2GiB
 *   readOnly: false
 *   stagingDir: /var/tmp/cairn-staging
 *   auth:
 *     htpasswd: /etc/cairn/htpasswd
 *     tokens: /etc/cairn/tokens
 *     readOnlyUsers: [ci-reader]
 *     anonymous: none
 *   tls:
 *     keyStore: /etc/cairn/server.p12
 *     keyStorePassword: changeit
 * }</pre>
 *
 * @param host address to bind, default {@code 127.0.0.1}
 * @param port port to bind, default 8080; 0 picks a free port
 * @param maxBlobSize largest upload accepted, 0 (the default) for no limit beyond the store's own
 * @param readOnly when true every write is refused with 403, default false
 * @param stagingDir where uploads are staged when no file pool is configured; default a fresh directory under the
 *     system temporary directory
 * @param maxThreads the most request threads, default 200
 * @param auth who may read and write; null lets everyone read and write
 * @param tls the certificate to serve HTTPS with; null serves plain HTTP
 */
public record ServerConfig(String host, Integer port, DataSize maxBlobSize, Boolean readOnly, String stagingDir,
                           Integer maxThreads, Auth auth, Tls tls) {
    /** Applies defaults and validates. */
    public ServerConfig {
        host = host == null ? "127.0.0.1" : host;
        if (host.isBlank()) {
            throw new ConfigurationException("server.host", "must not be empty");
        }
        port = port == null ? 8080 : port;
        if (port < 0 || port > 65535) {
            throw new ConfigurationException("server.port", "must be 0..65535, not " + port);
        }
        maxBlobSize = maxBlobSize == null ? DataSize.ofBytes(0) : maxBlobSize;
        readOnly = readOnly != null && readOnly;
        if (stagingDir != null && stagingDir.isBlank()) {
            throw new ConfigurationException("server.stagingDir", "must not be empty (leave it out for a temp dir)");
        }
        maxThreads = maxThreads == null ? 200 : maxThreads;
        if (maxThreads < 8 || maxThreads > 10_000) {
            throw new ConfigurationException("server.maxThreads", "must be 8..10000, not " + maxThreads);
        }
    }

    /** @return the defaults: plain HTTP on 127.0.0.1:8080, no auth, no size limit */
    public static ServerConfig defaults() {
        return new ServerConfig(null, null, null, null, null, null, null, null);
    }

    /**
     * @param host address to bind
     * @param port port, 0 for any free port
     * @return the defaults with another address
     */
    public static ServerConfig listen(String host, int port) {
        return new ServerConfig(host, port, null, null, null, null, null, null);
    }

    /**
     * Resolves the file names of this section (auth files, TLS files, staging directory), for a host that reads
     * relative names against the configuration file's directory.
     *
     * @param resolve maps a configured name to the path to use, e.g. {@code name -> ctx.resolve(name).toString()}
     * @return a copy with every file name resolved
     */
    public ServerConfig withPaths(java.util.function.UnaryOperator<String> resolve) {
        java.util.function.UnaryOperator<String> r = name -> name == null ? null : resolve.apply(name);
        Auth a = auth == null ? null
                : new Auth(r.apply(auth.htpasswd()), r.apply(auth.tokens()), auth.readOnlyUsers(), auth.anonymous());
        Tls t = tls == null ? null : new Tls(r.apply(tls.keyStore()), tls.keyStorePassword(),
                r.apply(tls.certificate()), r.apply(tls.privateKey()));
        return new ServerConfig(host, port, maxBlobSize, readOnly, r.apply(stagingDir), maxThreads, a, t);
    }

    /**
     * The {@code server.auth} section. Users of the htpasswd file may read and write unless listed in
     * {@code readOnlyUsers}. Lines of the tokens file are {@code <token> read|readwrite [comment]}; {@code #} starts
     * a comment line.
     *
     * @param htpasswd an htpasswd file ({@code htpasswd -B} bcrypt, {@code htpasswd -s} SHA-1 or the default
     *     {@code $apr1$} MD5)
     * @param tokens a file of bearer tokens
     * @param readOnlyUsers htpasswd users that may only read
     * @param anonymous what requests without credentials may do: {@code none} (default), {@code read} or
     *     {@code readwrite}
     */
    public record Auth(String htpasswd, String tokens, List<String> readOnlyUsers, String anonymous) {
        /** Applies defaults and validates. */
        public Auth {
            if (htpasswd == null && tokens == null) {
                throw new ConfigurationException("server.auth", "set htpasswd, tokens or both (or remove auth)");
            }
            readOnlyUsers = readOnlyUsers == null ? List.of() : List.copyOf(readOnlyUsers);
            anonymous = anonymous == null ? "none" : anonymous.toLowerCase(Locale.ROOT);
            if (!List.of("none", "read", "readwrite").contains(anonymous)) {
                throw new ConfigurationException("server.auth.anonymous",
                        "must be none, read or readwrite, not '" + anonymous + "'");
            }
        }
    }

    /**
     * The {@code server.tls} section: either a PKCS12 key store, or a PEM certificate chain and a PEM PKCS#8
     * private key ({@code BEGIN PRIVATE KEY}; convert others with {@code openssl pkcs8 -topk8 -nocrypt}).
     *
     * @param keyStore a PKCS12 file holding the key and its certificate chain
     * @param keyStorePassword the key store's password, default empty
     * @param certificate a PEM file with the certificate chain, server certificate first
     * @param privateKey a PEM file with the unencrypted PKCS#8 private key (RSA or EC)
     */
    public record Tls(String keyStore, String keyStorePassword, String certificate, String privateKey) {
        /** Validates that exactly one form is given. */
        public Tls {
            boolean pem = certificate != null || privateKey != null;
            if (keyStore != null && pem) {
                throw new ConfigurationException("server.tls", "set keyStore or certificate and privateKey, not both");
            }
            if (keyStore == null && !pem) {
                throw new ConfigurationException("server.tls", "set keyStore, or certificate and privateKey");
            }
            if (pem && (certificate == null || privateKey == null)) {
                throw new ConfigurationException(certificate == null ? "server.tls.certificate" : "server.tls.privateKey",
                        "PEM needs both certificate and privateKey");
            }
            keyStorePassword = keyStorePassword == null ? "" : keyStorePassword;
        }
    }
}
