package dev.cairn.server.auth;

import dev.cairn.server.ServerConfig;
import dev.cairn.spi.ConfigurationException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides what a request's {@code Authorization} header allows: HTTP Basic against an htpasswd file, or a bearer
 * token from a tokens file. Immutable; build a new one to re-read the files.
 */
public final class Authenticator {
    private final boolean enabled;
    private final Access anonymous;
    private final Map<String, PasswordHash> users;
    private final Set<String> readOnlyUsers;
    private final Map<String, Access> tokens;
    /** bcrypt is slow by design: remember headers already verified (by digest, bounded). */
    private final Map<String, Access> verified = new ConcurrentHashMap<>();

    private Authenticator(boolean enabled, Access anonymous, Map<String, PasswordHash> users,
                          Set<String> readOnlyUsers, Map<String, Access> tokens) {
        this.enabled = enabled;
        this.anonymous = anonymous;
        this.users = users;
        this.readOnlyUsers = readOnlyUsers;
        this.tokens = tokens;
    }

    /** @return an authenticator that lets everyone read and write */
    public static Authenticator open() {
        return new Authenticator(false, Access.READ_WRITE, Map.of(), Set.of(), Map.of());
    }

    /**
     * Reads the files named by the configuration.
     *
     * @param auth the {@code server.auth} section, null for no authentication
     * @return the authenticator
     * @throws ConfigurationException naming the key of a file that cannot be read or holds a bad line
     */
    public static Authenticator load(ServerConfig.Auth auth) {
        if (auth == null) {
            return open();
        }
        Map<String, PasswordHash> users = new HashMap<>();
        if (auth.htpasswd() != null) {
            List<String> lines = read("server.auth.htpasswd", auth.htpasswd());
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new ConfigurationException("server.auth.htpasswd",
                            auth.htpasswd() + " line " + (i + 1) + ": expected user:hash");
                }
                try {
                    users.put(line.substring(0, colon), PasswordHash.parse(line.substring(colon + 1)));
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("server.auth.htpasswd",
                            auth.htpasswd() + " line " + (i + 1) + ": " + e.getMessage());
                }
            }
        }
        Map<String, Access> tokens = new HashMap<>();
        if (auth.tokens() != null) {
            List<String> lines = read("server.auth.tokens", auth.tokens());
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\\s+", 3);
                try {
                    if (fields.length < 2) {
                        throw new IllegalArgumentException("expected '<token> read|readwrite [comment]'");
                    }
                    Access access = Access.parse(fields[1]);
                    if (access == Access.NONE) {
                        throw new IllegalArgumentException("access must be read or readwrite");
                    }
                    tokens.put(fields[0], access);
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("server.auth.tokens",
                            auth.tokens() + " line " + (i + 1) + ": " + e.getMessage());
                }
            }
        }
        return new Authenticator(true, Access.parse(auth.anonymous()), Map.copyOf(users),
                Set.copyOf(new HashSet<>(auth.readOnlyUsers())), Map.copyOf(tokens));
    }

    private static List<String> read(String key, String file) {
        try {
            return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException(key, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return whether credentials are checked at all */
    public boolean enabled() {
        return enabled;
    }

    /**
     * @param authorization the {@code Authorization} header, or null
     * @return what the caller may do; {@link Access#NONE} for wrong credentials (even when anonymous access is
     *     allowed, so a typo in a password is noticed)
     */
    public Access access(String authorization) {
        if (!enabled) {
            return Access.READ_WRITE;
        }
        if (authorization == null || authorization.isBlank()) {
            return anonymous;
        }
        String header = authorization.strip();
        int space = header.indexOf(' ');
        if (space < 0) {
            return Access.NONE;
        }
        String scheme = header.substring(0, space);
        String value = header.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return tokenAccess(value);
        }
        if (!scheme.equalsIgnoreCase("Basic")) {
            return Access.NONE;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Access.NONE;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Access.NONE;
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        String cacheKey = sha256(header);
        Access cached = verified.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        PasswordHash hash = users.get(user);
        if (hash != null && hash.matches(password)) {
            Access access = readOnlyUsers.contains(user) ? Access.READ : Access.READ_WRITE;
            if (verified.size() > 10_000) {
                verified.clear();
            }
            verified.put(cacheKey, access);
            return access;
        }
        // Clients that only speak Basic (Gradle, ccache URLs) can send a token as the password.
        return tokens.isEmpty() ? Access.NONE : tokenAccess(password);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private Access tokenAccess(String token) {
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        Access found = Access.NONE;
        // Compare against every token in constant time per token so timing does not reveal a prefix.
        for (Map.Entry<String, Access> e : tokens.entrySet()) {
            if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = e.getValue();
            }
        }
        return found;
    }
}
