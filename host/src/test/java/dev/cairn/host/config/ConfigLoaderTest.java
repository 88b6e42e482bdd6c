package dev.cairn.host.config;

import dev.cairn.spi.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    private final Map<String, String> env = Map.of("S3_SECRET", "s3cr3t", "PORT", "9090");
    private final ConfigLoader loader = new ConfigLoader(new ConfigBinder(), env::get);

    private LoadedConfig parse(String yaml) {
        return loader.parse(yaml, ConfigSource.of(Path.of("/etc/cairn.yaml")));
    }

    private ConfigurationException error(String yaml) {
        return assertThrows(ConfigurationException.class, () -> parse(yaml));
    }

    @Test
    void anEmptyFileGivesTheDefaults() {
        CairnConfig c = parse("").config();
        assertEquals("plugins", c.plugins().dir());
        assertEquals("buffered", c.io().mode());
        assertEquals(CairnConfig.LogLevel.INFO, c.log().level());
        assertTrue(c.cache().stores().isEmpty());
    }

    @Test
    void theEmbeddedDefaultLoads() {
        CairnConfig c = loader.load(ConfigSource.embedded()).config();
        assertEquals("disk", c.cache().stores().get(0).get("type").asText());
        assertEquals(8080, c.server().get("port").asInt());
    }

    @Test
    void anUnknownTopLevelKeyNamesTheKeyAndTheAllowedOnes() {
        ConfigurationException e = error("cahce: {}\n");
        assertEquals("cahce", e.key());
        assertTrue(e.getMessage().contains("unknown key 'cahce'"), e.getMessage());
        assertTrue(e.getMessage().contains("cache") && e.getMessage().contains("plugins"), e.getMessage());
    }

    @Test
    void anUnknownNestedKeyNamesItsFullPath() {
        ConfigurationException e = error("io: {mod: direct}\n");
        assertEquals("io.mod", e.key());
        assertTrue(e.getMessage().contains("allowed keys: mode"), e.getMessage());
    }

    @Test
    void aBadEnumValueListsTheAllowedValues() {
        ConfigurationException e = error("log: {level: loud}\n");
        assertEquals("log.level", e.key());
        assertTrue(e.getMessage().contains("allowed values: error, warn, info, debug, trace"), e.getMessage());
    }

    @Test
    void environmentVariablesAreSubstitutedWithDefaults() {
        LoadedConfig c = parse("""
                server: {port: "${PORT}", host: "${HOST:-0.0.0.0}"}
                cache:
                  stores:
                    - {type: s3, secretKey: "${S3_SECRET}", note: "literal $${NOT_A_VAR}"}
                """);
        assertEquals("9090", c.config().server().get("port").asText());
        assertEquals("0.0.0.0", c.config().server().get("host").asText());
        assertEquals("s3cr3t", c.config().cache().stores().get(0).get("secretKey").asText());
        assertEquals("literal ${NOT_A_VAR}", c.config().cache().stores().get(0).get("note").asText());
    }

    @Test
    void anUnsetVariableWithoutDefaultIsAnErrorNamingTheKey() {
        ConfigurationException e = error("cache: {stores: [{type: s3, accessKey: '${AWS_KEY}'}]}\n");
        assertEquals("cache.stores[0].accessKey", e.key());
        assertTrue(e.getMessage().contains("environment variable AWS_KEY is not set"), e.getMessage());
    }

    @Test
    void invalidYamlSaysWhere() {
        ConfigurationException e = error("cache:\n  stores: [\n");
        assertTrue(e.getMessage().contains("is not valid YAML"), e.getMessage());
    }

    @Test
    void durationsTakeHumanUnits() {
        assertEquals(Duration.ofDays(7), HumanUnits.parseDuration("7d"));
        assertEquals(Duration.ofSeconds(30), HumanUnits.parseDuration("30s"));
        assertEquals(Duration.ofMillis(250), HumanUnits.parseDuration("250ms"));
        assertEquals(Duration.ofMinutes(90), HumanUnits.parseDuration("1h30m"));
        assertEquals(Duration.ofDays(14), HumanUnits.parseDuration("2w"));
        assertEquals(Duration.ofSeconds(45), HumanUnits.parseDuration("PT45S"));
        assertThrows(IllegalArgumentException.class, () -> HumanUnits.parseDuration("7 days"));
        assertThrows(IllegalArgumentException.class, () -> HumanUnits.parseDuration("s"));
        assertEquals(Duration.ofSeconds(5), parse("status: {interval: 5s}").config().status().interval());
    }

    @Test
    void aBadDurationNamesTheKeyAndTheFormat() {
        ConfigurationException e = error("status: {interval: soon}\n");
        assertEquals("status.interval", e.key());
        assertTrue(e.getMessage().contains("duration such as"), e.getMessage());
    }

    @Test
    void recordValidationErrorsArePrefixedWithTheirPath() {
        ConfigurationException e = error("status: {interval: 0s}\n");
        assertEquals("status.interval", e.key());
        assertTrue(e.getMessage().endsWith("must be positive"), e.getMessage());
    }

    @Test
    void aWrongTypeSaysWhatWasExpected() {
        ConfigurationException e = error("cache: {stores: disk}\n");
        assertEquals("cache.stores", e.key());
        assertTrue(e.getMessage().contains("expected a list"), e.getMessage());
    }
}
