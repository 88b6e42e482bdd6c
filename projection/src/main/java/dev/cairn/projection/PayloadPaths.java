package dev.cairn.projection;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The path rules of a projection payload, as Kubernetes' {@code validatePath}: a path is not empty, not absolute, at
 * most {@value #MAX_PATH_BYTES} bytes (UTF-8), has no {@code ..} element and no element longer than
 * {@value #MAX_NAME_BYTES} bytes, and its first element does not start with {@code ..} (that namespace holds
 * {@code ..data}, {@code ..data_tmp} and the timestamped directories). A valid path is cleaned as Go's
 * {@code filepath.Clean}: {@code foo//bar/./baz/} becomes {@code foo/bar/baz}.
 *
 * <p>Deliberate deviations from upstream, which let these through and then fail or misbehave while writing:
 * <ul>
 *   <li>the <em>cleaned</em> path is checked again, so {@code ./..foo} (first element {@code .}, cleaned to
 *       {@code ..foo}) cannot write into the reserved namespace;</li>
 *   <li>a path that cleans to nothing ({@code .}, {@code ./}) is refused;</li>
 *   <li>two paths that clean to the same path ({@code a//b} and {@code a/b}) are refused instead of one silently
 *       winning, and so is a path that is both a file and the directory of another path ({@code a} and
 *       {@code a/b});</li>
 *   <li>a NUL character is refused.</li>
 * </ul>
 */
public final class PayloadPaths {
    /** Upstream's {@code maxPathLength}. */
    public static final int MAX_PATH_BYTES = 4096;
    /** Upstream's {@code maxFileNameLength}. */
    public static final int MAX_NAME_BYTES = 255;

    private PayloadPaths() {
    }

    /**
     * Validates a path and cleans it.
     *
     * @param path a path as given in a payload
     * @return the cleaned path, elements separated by {@code /}
     * @throws InvalidPayloadException naming the path and the rule it breaks
     */
    public static String clean(String path) {
        requireNonNull(path, "path is null");
        if (path.isEmpty()) {
            throw new InvalidPayloadException("invalid path \"\": must not be empty");
        }
        if (path.indexOf('\0') >= 0) {
            throw new InvalidPayloadException("invalid path " + quote(path) + ": must not contain a NUL character");
        }
        if (path.startsWith("/")) {
            throw new InvalidPayloadException("invalid path " + quote(path) + ": must be a relative path");
        }
        if (utf8Length(path) > MAX_PATH_BYTES) {
            throw new InvalidPayloadException("invalid path " + quote(abbreviate(path)) + ": must be at most "
                    + MAX_PATH_BYTES + " bytes");
        }
        String[] items = path.split("/", -1);
        for (String item : items) {
            if (item.equals("..")) {
                throw new InvalidPayloadException("invalid path " + quote(path) + ": must not contain '..'");
            }
            if (utf8Length(item) > MAX_NAME_BYTES) {
                throw new InvalidPayloadException("invalid path " + quote(abbreviate(path))
                        + ": file names must be at most " + MAX_NAME_BYTES + " bytes");
            }
        }
        if (items[0].startsWith("..") && items[0].length() > 2) {
            throw new InvalidPayloadException("invalid path " + quote(path) + ": must not start with '..'");
        }
        List<String> kept = new ArrayList<>(items.length);
        for (String item : items) {
            if (!item.isEmpty() && !item.equals(".")) {
                kept.add(item);
            }
        }
        if (kept.isEmpty()) {
            throw new InvalidPayloadException("invalid path " + quote(path) + ": names the target directory itself");
        }
        // Deviation: upstream checks only the raw first element, so "./..foo" became "..foo".
        if (kept.get(0).startsWith("..")) {
            throw new InvalidPayloadException("invalid path " + quote(path) + ": cleans to "
                    + quote(String.join("/", kept)) + ", inside the reserved '..' namespace");
        }
        return String.join("/", kept);
    }

    /**
     * Validates and cleans every path of a payload.
     *
     * @param payload paths as given mapped to files
     * @return cleaned paths mapped to files, sorted by path
     * @throws InvalidPayloadException when a path is invalid, two paths clean to the same path, or a path is also
     *     the directory of another
     */
    public static SortedMap<String, PayloadFile> cleanPayload(Map<String, PayloadFile> payload) {
        requireNonNull(payload, "payload is null");
        SortedMap<String, PayloadFile> clean = new TreeMap<>();
        Map<String, String> original = new TreeMap<>();
        for (Map.Entry<String, PayloadFile> e : new TreeMap<>(payload).entrySet()) {
            String cleaned = clean(e.getKey());
            requireNonNull(e.getValue(), () -> "file of " + quote(e.getKey()) + " is null");
            String previous = original.putIfAbsent(cleaned, e.getKey());
            if (previous != null) {
                throw new InvalidPayloadException("invalid paths " + quote(previous) + " and " + quote(e.getKey())
                        + ": both clean to " + quote(cleaned));
            }
            clean.put(cleaned, e.getValue());
        }
        for (String p : clean.keySet()) {
            for (int slash = p.indexOf('/'); slash >= 0; slash = p.indexOf('/', slash + 1)) {
                String dir = p.substring(0, slash);
                if (clean.containsKey(dir)) {
                    throw new InvalidPayloadException("invalid paths " + quote(original.get(dir)) + " and "
                            + quote(original.get(p)) + ": " + quote(dir) + " cannot be both a file and a directory");
                }
            }
        }
        return clean;
    }

    /** @return the first element of a cleaned path: the name of its visible symlink */
    static String firstElement(String cleanPath) {
        int slash = cleanPath.indexOf('/');
        return slash < 0 ? cleanPath : cleanPath.substring(0, slash);
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...(" + s.length() + " chars)";
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}
