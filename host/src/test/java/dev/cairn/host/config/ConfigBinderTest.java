package dev.cairn.host.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.config.DataSize;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigBinderTest {
    private final ConfigBinder binder = new ConfigBinder();

    /** A plugin-style record: boxed components, defaults and validation in the compact constructor. */
    public record DiskLike(String dir, DataSize maxSize, Duration maxAge, Integer shards) {
        public DiskLike {
            dir = dir == null ? "var/cache" : dir;
            maxSize = maxSize == null ? DataSize.parse("1GiB") : maxSize;
            if (shards != null && shards < 1) {
                throw new ConfigurationException("shards", "must be at least 1, not " + shards);
            }
            if (maxSize.bytes() == 0) {
                throw new IllegalArgumentException("maxSize must not be 0");
            }
        }
    }

    private JsonNode yaml(String text) throws Exception {
        return binder.mapper().readTree(text);
    }

    @Test
    void bindsHumanUnitsAndDefaults() throws Exception {
        DiskLike d = binder.bind(yaml("{maxSize: 10GiB, maxAge: 7d}"), DiskLike.class, "cache.stores[0]");
        assertEquals(10L << 30, d.maxSize().bytes());
        assertEquals(Duration.ofDays(7), d.maxAge());
        assertEquals("var/cache", d.dir());
        assertEquals(1L << 30, binder.bind(null, DiskLike.class, "x").maxSize().bytes());
    }

    @Test
    void unknownKeysListTheAllowedOnesSorted() throws Exception {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> binder.bind(yaml("{maxsize: 1GiB}"), DiskLike.class, "cache.stores[0]"));
        assertEquals("cache.stores[0].maxsize", e.key());
        assertTrue(e.getMessage().endsWith("allowed keys: dir, maxAge, maxSize, shards"), e.getMessage());
    }

    @Test
    void aBadSizeNamesTheKey() throws Exception {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> binder.bind(yaml("{maxSize: lots}"), DiskLike.class, "cache.stores[0]"));
        assertEquals("cache.stores[0].maxSize", e.key());
        assertTrue(e.getMessage().contains("size such as"), e.getMessage());
    }

    @Test
    void validationInTheRecordIsPrefixed() throws Exception {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> binder.bind(yaml("{shards: 0}"), DiskLike.class, "cache.stores[2]"));
        assertEquals("cache.stores[2].shards", e.key());
        assertEquals("cache.stores[2].shards: must be at least 1, not 0", e.getMessage());
        ConfigurationException iae = assertThrows(ConfigurationException.class,
                () -> binder.bind(yaml("{maxSize: 0}"), DiskLike.class, "cache.stores[0]"));
        assertEquals("cache.stores[0]: maxSize must not be 0", iae.getMessage());
    }

    @Test
    void aWrongTypeNamesTheKey() throws Exception {
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> binder.bind(yaml("{shards: [1, 2]}"), DiskLike.class, "pool"));
        assertEquals("pool.shards", e.key());
        assertTrue(e.getMessage().contains("whole number"), e.getMessage());
    }
}
