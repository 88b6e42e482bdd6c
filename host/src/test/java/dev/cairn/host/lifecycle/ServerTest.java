package dev.cairn.host.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.host.config.ConfigBinder;
import dev.cairn.host.config.ConfigLoader;
import dev.cairn.host.config.ConfigSource;
import dev.cairn.host.config.LoadedConfig;
import dev.cairn.host.config.SecretMasking;
import dev.cairn.host.plugins.ExtensionLoader;
import dev.cairn.host.plugins.LoadedExtensions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerTest {
    @TempDir
    Path home;

    @Test
    void servesTheStoreAnnouncesItsListenerAndPublishesStatus() throws Exception {
        LoadedConfig loaded = new ConfigLoader(new ConfigBinder(), Map.<String, String>of("TOKEN", "t0ps3cret")::get).parse("""
                server: {host: 127.0.0.1, port: 0}
                cache: {stores: [{type: alpha, maxSize: 1MiB}]}
                status: {dir: var/status}
                sections: {demo: {password: "${TOKEN}"}}
                """, ConfigSource.embedded());
        try (LoadedExtensions ext = new ExtensionLoader(getClass().getClassLoader()).load(home.resolve("plugins"), List.of());
             Host host = new Host(home, loaded, ext.registry(), new ConfigBinder(), Clock.systemUTC());
             Server server = new Server(host)) {
            server.start();
            assertEquals(1, host.listeners().size());
            String url = host.listeners().get(0);
            assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+"), url);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(url + "/cache/abcdef0123"))
                    .PUT(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(put.statusCode() / 100 == 2, put.statusCode() + " " + put.body());
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(url + "/cache/abcdef0123")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("hello", get.body());
            HttpResponse<String> status = client.send(HttpRequest.newBuilder(URI.create(url + "/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode());
            JsonNode json = new ObjectMapper().readTree(status.body());
            assertEquals("classpath", json.at("/plugins/0/id").asText(), status.body());
            assertEquals("buffered", json.at("/inUse/ioMode").asText(), status.body());

            StatusDirectory dir = new StatusDirectory(host.resolve("var/status"), server.status(),
                    () -> SecretMasking.masked(loaded.tree()));
            assertTrue(dir.publish());
            Path published = home.resolve("var/status/..data/status.json");
            assertTrue(Files.isRegularFile(published));
            assertEquals("classpath", new ObjectMapper().readTree(published.toFile()).at("/plugins/0/id").asText());
            String config = Files.readString(home.resolve("var/status/config.yaml"));
            assertTrue(config.contains("****") && !config.contains("t0ps3cret"), config);
        }
    }

    private Host host(String yaml, LoadedExtensions ext) {
        LoadedConfig loaded = new ConfigLoader(new ConfigBinder(), Map.<String, String>of()::get)
                .parse(yaml, ConfigSource.embedded());
        return new Host(home, loaded, ext.registry(), new ConfigBinder(), Clock.systemUTC());
    }

    @Test
    void servicesStartInOrderAndStopInReverseOrder() throws Exception {
        dev.cairn.host.testing.TestExtensions.SERVICE_EVENTS.clear();
        try (LoadedExtensions ext = new ExtensionLoader(getClass().getClassLoader()).load(home.resolve("plugins"), List.of())) {
            Server server = new Server(host("""
                    server: {port: 0}
                    cache: {stores: [{type: alpha}]}
                    services: [{type: recorder, label: a}, {type: recorder, label: b}]
                    """, ext));
            server.start();
            assertEquals(List.of("start:a", "start:b"), dev.cairn.host.testing.TestExtensions.SERVICE_EVENTS);
            HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    server.cacheServer().uri().resolve("/status")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("b", new ObjectMapper().readTree(status.body()).at("/services/services[1]:recorder/label").asText(),
                    status.body());
            server.close();
            server.awaitStop();
            assertEquals(List.of("start:a", "start:b", "stop:b", "stop:a"),
                    dev.cairn.host.testing.TestExtensions.SERVICE_EVENTS);
            assertThrows(java.io.IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    server.cacheServer().uri().resolve("/status")).build(), HttpResponse.BodyHandlers.ofString()),
                    "the listener is closed");
        }
    }

    @Test
    void aServiceThatFailsToStartStopsTheOnesBeforeIt() throws Exception {
        dev.cairn.host.testing.TestExtensions.SERVICE_EVENTS.clear();
        try (LoadedExtensions ext = new ExtensionLoader(getClass().getClassLoader()).load(home.resolve("plugins"), List.of())) {
            Server server = new Server(host("""
                    server: {port: 0}
                    cache: {stores: [{type: alpha}]}
                    services: [{type: recorder, label: a}, {type: recorder, label: b, failOnStart: true}]
                    """, ext));
            IllegalStateException e = assertThrows(IllegalStateException.class, server::start);
            assertEquals("service b cannot start", e.getMessage());
            assertEquals(List.of("start:a", "stop:a"), dev.cairn.host.testing.TestExtensions.SERVICE_EVENTS);
        }
    }
}
