package dev.cairn.host.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.projection.AtomicWriter;
import dev.cairn.projection.StatusPublisher;
import dev.cairn.spi.StatusSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Publishes the host's status into {@code status.dir} with the atomic writer, so a sidecar watching {@code ..data}
 * always reads one consistent version: {@code status.json} (what {@code /status} shows), {@code config.yaml} (the
 * effective config, secrets masked) and {@code plugins.json}.
 */
public final class StatusDirectory {
    private static final Logger log = LoggerFactory.getLogger(StatusDirectory.class);
    private final StatusPublisher publisher;
    private final StatusSource status;
    private final Supplier<JsonNode> config;

    /**
     * @param dir the status directory
     * @param status what to publish as status
     * @param config the effective config, already masked
     */
    public StatusDirectory(Path dir, StatusSource status, Supplier<JsonNode> config) {
        this.publisher = new StatusPublisher(new AtomicWriter(Objects.requireNonNull(dir, "dir is null")));
        this.status = Objects.requireNonNull(status, "status is null");
        this.config = Objects.requireNonNull(config, "config is null");
    }

    /**
     * Publishes once.
     *
     * @return whether anything changed
     */
    public boolean publish() {
        Map<String, Object> all = status.status();
        Map<String, Object> docs = new LinkedHashMap<>();
        docs.put("status.json", all);
        docs.put("plugins.json", all.getOrDefault("plugins", java.util.List.of()));
        docs.put("config.yaml", config.get());
        try {
            return publisher.publish(docs);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot publish status to {}: {}", publisher.writer().targetDir(), e.toString());
            return false;
        }
    }
}
