package dev.cairn.server.route;

import dev.cairn.spi.store.Store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Maps raw request paths onto store namespaces and keys (the table is in the {@code dev.cairn.server} package
 * documentation). Works on the raw, still-encoded path and accepts only plain segments, so no request can name a
 * location outside the store: percent escapes, {@code .} and {@code ..}, empty segments and backslashes are refused.
 */
public final class PathRouter {
    /** Namespace of Bazel's action cache without an instance name. */
    public static final String BAZEL_AC = "bazel-ac";
    /** Namespace of Bazel's CAS without an instance name. */
    public static final String BAZEL_CAS = "bazel-cas";
    /** Namespace of Gradle's build cache. */
    public static final String GRADLE = "gradle";
    /** Namespace of plain file paths (ccache, sccache WebDAV). */
    public static final String FILES = "files";

    private static final int MAX_PATH = 1024;
    private static final Pattern INSTANCE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,50}");

    /**
     * @param rawPath the request path as sent, without query
     * @return the route
     * @throws MalformedPathException with the reason when the path is not acceptable
     */
    public Route route(String rawPath) throws MalformedPathException {
        if (rawPath == null || !rawPath.startsWith("/")) {
            throw new MalformedPathException("path must start with /");
        }
        if (rawPath.length() > MAX_PATH) {
            throw new MalformedPathException("path longer than " + MAX_PATH + " characters");
        }
        boolean trailingSlash = rawPath.length() > 1 && rawPath.endsWith("/");
        String body = rawPath.substring(1, trailingSlash ? rawPath.length() - 1 : rawPath.length());
        List<String> segments = new ArrayList<>();
        if (!body.isEmpty()) {
            for (String s : body.split("/", -1)) {
                checkSegment(s);
                segments.add(s);
            }
        }
        String path = "/" + String.join("/", segments) + (trailingSlash || segments.isEmpty() ? "/" : "");
        if (segments.isEmpty()) {
            return new Route(Protocol.FILES, FILES, null, "/", false);
        }
        int n = segments.size();
        if (!trailingSlash && n == 1 && segments.get(0).equals("status")) {
            return new Route(Protocol.STATUS, null, null, path, false);
        }
        if (!trailingSlash && n == 1 && segments.get(0).equals("metrics")) {
            return new Route(Protocol.METRICS, null, null, path, false);
        }
        if (!trailingSlash && n == 2 && isBazelKind(segments.get(0))) {
            return bazel(null, segments.get(0), segments.get(1), path);
        }
        // /<instance>/ac/<sha256>; a non-hex last segment falls through to FILES so that a ccache "subdirs" key
        // under a path prefix that happens to start with "ac" still works.
        if (!trailingSlash && n == 3 && isBazelKind(segments.get(1)) && sha256(segments.get(2))) {
            return bazel(segments.get(0), segments.get(1), segments.get(2), path);
        }
        if (!trailingSlash && n == 2 && segments.get(0).equals("cache")) {
            String key = segments.get(1);
            if (!isStoreKey(key)) {
                throw new MalformedPathException("Gradle cache key '" + key + "' must match "
                        + Store.KEY_PATTERN.pattern());
            }
            return new Route(Protocol.GRADLE, GRADLE, key, path, false);
        }
        if (trailingSlash) {
            return new Route(Protocol.FILES, FILES, null, path, false);
        }
        return new Route(Protocol.FILES, FILES, fileKey(path), path, false);
    }

    /** {@link Store#KEY_PATTERN} without a regex on the hot path (the same rule; the tests check both agree). */
    static boolean isStoreKey(String key) {
        int n = key.length();
        if (n < 2 || n > 128 || !isAlnum(key.charAt(0))) {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = key.charAt(i);
            if (!isAlnum(c) && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlnum(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isBazelKind(String segment) {
        return segment.equals("ac") || segment.equals("cas");
    }

    private static Route bazel(String instance, String kind, String hash, String path) throws MalformedPathException {
        if (!sha256(hash)) {
            throw new MalformedPathException("Bazel " + kind + " key '" + hash
                    + "' must be a SHA-256: 64 lower-case hex digits");
        }
        String namespace = kind.equals("ac") ? BAZEL_AC : BAZEL_CAS;
        if (instance != null) {
            if (!INSTANCE.matcher(instance).matches()) {
                throw new MalformedPathException("instance name '" + instance + "' must match " + INSTANCE.pattern());
            }
            namespace = namespace + "--" + instance;
        }
        return new Route(Protocol.BAZEL, namespace, hash, path, kind.equals("cas"));
    }

    private static void checkSegment(String s) throws MalformedPathException {
        if (s.isEmpty()) {
            throw new MalformedPathException("empty path segment (//)");
        }
        if (s.equals(".") || s.equals("..")) {
            throw new MalformedPathException("path segment '" + s + "' is not allowed");
        }
        if (!plainSegment(s)) {
            throw new MalformedPathException("path segment '" + s
                    + "' may hold only letters, digits, '.', '_', '~' and '-' (no escapes)");
        }
    }

    /** Same as {@code [A-Za-z0-9._~-]{1,255}}, without a regex on the hot path. */
    private static boolean plainSegment(String s) {
        if (s.length() > 255) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '~' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean sha256(String s) {
        if (s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    /** Paths are arbitrary, store keys are not: the key of a file is the SHA-256 of its normalised path. */
    private static String fileKey(String path) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(path.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
