package dev.cairn.projection;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.regex.Pattern;

/** A JSON document as a payload; the format is on {@link ProjectionSource}. */
final class JsonPayloadSource implements ProjectionSource {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> KEYS = Set.of("content", "base64", "mode", "uid", "gid");
    private static final Pattern OCTAL_MODE = Pattern.compile("0?[0-7]{3}");

    private final Path file;

    JsonPayloadSource(Path file) {
        this.file = requireNonNull(file, "file is null").toAbsolutePath().normalize();
    }

    @Override
    public Path path() {
        return file;
    }

    @Override
    public List<Path> watchedDirectories() {
        return List.of(file.getParent());
    }

    @Override
    public SortedMap<String, PayloadFile> read() throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return parse(bytes, file.toString());
    }

    /**
     * @param json the document
     * @param origin names the document in messages
     * @return the cleaned payload
     */
    static SortedMap<String, PayloadFile> parse(byte[] json, String origin) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidPayloadException(origin + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidPayloadException(origin + " cannot be parsed: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidPayloadException(origin + " must hold a JSON object mapping paths to files");
        }
        Map<String, PayloadFile> payload = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            payload.put(e.getKey(), file(origin, e.getKey(), e.getValue()));
        }
        return PayloadPaths.cleanPayload(payload);
    }

    private static PayloadFile file(String origin, String path, JsonNode node) {
        String where = origin + ": \"" + path + "\"";
        if (!node.isObject()) {
            throw new InvalidPayloadException(where + " must be an object with \"content\" or \"base64\"");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new InvalidPayloadException(where + " has unknown key \"" + name
                        + "\" (allowed: content, base64, mode, uid, gid)");
            }
        }
        JsonNode content = node.get("content");
        JsonNode base64 = node.get("base64");
        if ((content == null) == (base64 == null)) {
            throw new InvalidPayloadException(where + " must have exactly one of \"content\" or \"base64\"");
        }
        byte[] bytes;
        if (content != null) {
            if (!content.isTextual()) {
                throw new InvalidPayloadException(where + ".content must be a string");
            }
            bytes = content.textValue().getBytes(StandardCharsets.UTF_8);
        } else {
            if (!base64.isTextual()) {
                throw new InvalidPayloadException(where + ".base64 must be a string");
            }
            try {
                bytes = Base64.getDecoder().decode(base64.textValue().replaceAll("\\s+", ""));
            } catch (IllegalArgumentException e) {
                throw new InvalidPayloadException(where + ".base64 is not Base64: " + e.getMessage(), e);
            }
        }
        int mode = PayloadFile.DEFAULT_MODE;
        JsonNode modeNode = node.get("mode");
        if (modeNode != null) {
            if (!modeNode.isTextual() || !OCTAL_MODE.matcher(modeNode.textValue()).matches()) {
                throw new InvalidPayloadException(where + ".mode must be an octal string between \"0000\" and "
                        + "\"0777\", e.g. \"0644\" (got " + modeNode + ")");
            }
            mode = Integer.parseInt(modeNode.textValue(), 8);
        }
        return new PayloadFile(bytes, mode, id(where, "uid", node.get("uid")), id(where, "gid", node.get("gid")));
    }

    private static OptionalInt id(String where, String key, JsonNode node) {
        if (node == null) {
            return OptionalInt.empty();
        }
        if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 0) {
            throw new InvalidPayloadException(where + "." + key + " must be a non-negative integer (got " + node + ")");
        }
        return OptionalInt.of(node.intValue());
    }

    @Override
    public String toString() {
        return "JSON file " + file;
    }
}
