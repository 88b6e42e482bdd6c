package dev.cairn.projection;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Publishes a set of documents (the host's {@code status.json}, effective {@code config.yaml}, {@code plugins.json})
 * into a directory through an {@link AtomicWriter}, so a sidecar watching {@code ..data} sees one consistent set and
 * never a half-written file. Each value is serialised by the file name's extension: {@code .yaml}/{@code .yml} as YAML,
 * anything else as pretty-printed JSON with map keys sorted (so equal status gives equal bytes and a publish without
 * a change creates nothing); a {@code byte[]} or a {@link String} value is written as it is. Files get mode 0644.
 */
public final class StatusPublisher {
    private final AtomicWriter writer;
    private final ObjectMapper json;
    private final ObjectMapper yaml;

    /**
     * A publisher with its own mappers (modules on the class path, such as {@code java.time} support, are found).
     *
     * @param writer where to publish
     */
    public StatusPublisher(AtomicWriter writer) {
        this(writer, new ObjectMapper().findAndRegisterModules(),
                new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
                        .findAndRegisterModules());
    }

    /**
     * @param writer where to publish
     * @param json the mapper for JSON documents (e.g. the host's, with its modules)
     * @param yaml the mapper for YAML documents
     */
    public StatusPublisher(AtomicWriter writer, ObjectMapper json, ObjectMapper yaml) {
        this.writer = requireNonNull(writer, "writer is null");
        this.json = requireNonNull(json, "json is null").copy().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        this.yaml = requireNonNull(yaml, "yaml is null").copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    /**
     * Replaces the published documents with these.
     *
     * @param documents file names (relative paths, as {@link PayloadPaths}) mapped to values
     * @return whether anything changed
     * @throws IllegalArgumentException when a value cannot be serialised
     * @throws InvalidPayloadException when a file name is invalid
     * @throws IOException when writing fails; the previous documents stay published
     */
    public boolean publish(Map<String, ?> documents) throws IOException {
        requireNonNull(documents, "documents is null");
        Map<String, PayloadFile> payload = new TreeMap<>();
        for (Map.Entry<String, ?> e : documents.entrySet()) {
            payload.put(e.getKey(), PayloadFile.of(serialise(e.getKey(), e.getValue())));
        }
        return writer.write(payload);
    }

    /** @return the directory documents are published into */
    public AtomicWriter writer() {
        return writer;
    }

    private byte[] serialise(String name, Object value) {
        requireNonNull(value, () -> "document " + name + " is null");
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        String lower = name.toLowerCase(Locale.ROOT);
        ObjectMapper mapper = lower.endsWith(".yaml") || lower.endsWith(".yml") ? yaml : json;
        try {
            String text = mapper.writeValueAsString(value);
            return (text.endsWith("\n") ? text : text + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("document " + name + " cannot be serialised: " + e.getOriginalMessage(),
                    e);
        }
    }
}
