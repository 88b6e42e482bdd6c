package dev.cairn.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusPublisherTest {
    @TempDir
    Path tmp;

    record Plugin(String id, String version) {
    }

    @Test
    void publishesJsonYamlAndRawDocumentsAtomically() throws IOException {
        Path dir = tmp.resolve("status");
        StatusPublisher publisher = new StatusPublisher(new AtomicWriter(dir));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("uptimeSeconds", 12);
        status.put("stores", Map.of("disk", Map.of("bytes", 4096)));

        assertTrue(publisher.publish(Map.of(
                "status.json", status,
                "config.yaml", Map.of("cache", Map.of("maxSize", "10GiB")),
                "plugins.json", List.of(new Plugin("disk-cache", "0.1.0")),
                "README", "written by cairn\n")));

        assertEquals("""
                {
                  "stores" : {
                    "disk" : {
                      "bytes" : 4096
                    }
                  },
                  "uptimeSeconds" : 12
                }
                """, Files.readString(dir.resolve("status.json")), "pretty JSON, keys sorted");
        assertEquals(Map.of("cache", Map.of("maxSize", "10GiB")),
                new ObjectMapper(new YAMLFactory()).readValue(dir.resolve("config.yaml").toFile(), Map.class));
        assertEquals("cache:\n  maxSize: \"10GiB\"\n", Files.readString(dir.resolve("config.yaml")));
        assertEquals(List.of(Map.of("id", "disk-cache", "version", "0.1.0")),
                new ObjectMapper().readValue(dir.resolve("plugins.json").toFile(), List.class));
        assertEquals("written by cairn\n", Files.readString(dir.resolve("README")));
        assertTrue(Files.isSymbolicLink(dir.resolve("status.json")));
    }

    @Test
    void equalStatusInAnotherMapOrderIsANoOp() throws IOException {
        Path dir = tmp.resolve("status");
        StatusPublisher publisher = new StatusPublisher(new AtomicWriter(dir));
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("x", 1);
        a.put("y", 2);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("y", 2);
        b.put("x", 1);
        assertTrue(publisher.publish(Map.of("status.json", a)));
        String data = Files.readSymbolicLink(dir.resolve("..data")).toString();
        assertFalse(publisher.publish(Map.of("status.json", b)));
        assertEquals(data, Files.readSymbolicLink(dir.resolve("..data")).toString());
        assertTrue(publisher.publish(Map.of("status.json", Map.of("x", 3))));
    }

    @Test
    void unserialisableValueIsRefusedBeforeWriting() throws IOException {
        Path dir = tmp.resolve("status");
        StatusPublisher publisher = new StatusPublisher(new AtomicWriter(dir));
        publisher.publish(Map.of("status.json", Map.of("ok", true)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> publisher.publish(Map.of("status.json", new Object())));
        assertTrue(e.getMessage().contains("status.json"), e.getMessage());
        assertEquals("{\n  \"ok\" : true\n}\n", Files.readString(dir.resolve("status.json")));
    }
}
