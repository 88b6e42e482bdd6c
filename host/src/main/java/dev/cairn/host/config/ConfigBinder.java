package dev.cairn.host.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cairn.spi.ConfigurationException;

import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Binds a config tree to a record, strictly: unknown keys, wrong types and failed validation become a
 * {@link ConfigurationException} whose key is the full path ({@code cache.stores[0].maxSize}) and whose message
 * lists the allowed keys or values.
 */
public final class ConfigBinder {
    private final ObjectMapper mapper;

    /** Creates a binder with the host's rules (unknown keys fail, human units, no nulls for primitives). */
    public ConfigBinder() {
        this.mapper = newMapper();
    }

    /** @return an ObjectMapper for YAML with the host's strict binding rules */
    public static ObjectMapper newMapper() {
        return new ObjectMapper(new YAMLFactory())
                .registerModule(HumanUnits.module())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .configure(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS, true);
    }

    /** @return the mapper, for reading trees */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * @param node the tree; null binds as an empty object so records apply their defaults
     * @param type the record type
     * @param key the key path of {@code node} ({@code ""} for the root)
     * @param <T> the record type
     * @return the bound, validated record
     * @throws ConfigurationException naming the full key path
     */
    public <T> T bind(JsonNode node, Class<T> type, String key) {
        Objects.requireNonNull(type, "type is null");
        JsonNode tree = node == null || node.isNull() || node.isMissingNode()
                ? JsonNodeFactory.instance.objectNode() : node;
        // Plugin records are loaded by the plugin's class loader; Jackson must see them through it.
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(type.getClassLoader());
        try {
            return mapper.readerFor(type).readValue(mapper.treeAsTokens(tree));
        } catch (ValueInstantiationException e) {
            throw fromValidation(e, key);
        } catch (UnrecognizedPropertyException e) {
            String allowed = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(String::valueOf).collect(Collectors.toCollection(TreeSet::new)).toString();
            throw new ConfigurationException(path(key, e), "unknown key '" + e.getPropertyName() + "'"
                    + (allowed.isEmpty() ? "" : "; allowed keys: " + allowed.substring(1, allowed.length() - 1)), e);
        } catch (InvalidFormatException e) {
            throw new ConfigurationException(path(key, e), "invalid value '" + e.getValue() + "' for "
                    + e.getTargetType().getSimpleName() + ": " + cleanMessage(e) + allowedEnum(e.getTargetType()), e);
        } catch (MismatchedInputException e) {
            String target = e.getTargetType() == null ? "value" : e.getTargetType().getSimpleName();
            throw new ConfigurationException(path(key, e), "wrong type, expected " + article(target)
                    + allowedEnum(e.getTargetType()), e);
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ConfigurationException ce) {
                throw prefixed(ce, path(key, e));
            }
            throw new ConfigurationException(path(key, e), cleanMessage(e), e);
        } catch (JsonProcessingException e) {
            throw new ConfigurationException(key.isEmpty() ? "config" : key, cleanMessage(e), e);
        } catch (java.io.IOException e) {
            throw new ConfigurationException(key.isEmpty() ? "config" : key, e.getMessage(), e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static ConfigurationException fromValidation(ValueInstantiationException e, String key) {
        String at = path(key, e);
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof ConfigurationException) && !(cause instanceof IllegalArgumentException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ConfigurationException ce) {
            return prefixed(ce, at);
        }
        String message = cause == null ? cleanMessage(e) : cause.getMessage();
        return new ConfigurationException(at.isEmpty() ? "config" : at, message, e);
    }

    /** Prefixes a record's own relative key (e.g. {@code maxSize}) with where the record sits. */
    static ConfigurationException prefixed(ConfigurationException e, String at) {
        String key = e.key();
        String message = e.getMessage().startsWith(key + ": ") ? e.getMessage().substring(key.length() + 2)
                : e.getMessage();
        String full;
        if (at.isEmpty() || key.equals(at) || key.startsWith(at + ".") || key.startsWith(at + "[")) {
            full = key;
        } else {
            full = at + "." + key;
        }
        return new ConfigurationException(full, message, e);
    }

    static String path(String base, JsonMappingException e) {
        StringBuilder sb = new StringBuilder(base);
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "config" : sb.toString();
    }

    private static String allowedEnum(Class<?> type) {
        if (type != null && type.isEnum()) {
            StringBuilder sb = new StringBuilder("; allowed values: ");
            Object[] constants = type.getEnumConstants();
            for (int i = 0; i < constants.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(constants[i].toString().toLowerCase(java.util.Locale.ROOT));
            }
            return sb.toString();
        }
        return "";
    }

    private static String article(String type) {
        return switch (type) {
            case "Integer", "Long", "int", "long" -> "a whole number";
            case "Boolean", "boolean" -> "true or false";
            case "String" -> "a string";
            case "List", "ArrayList" -> "a list";
            case "DataSize" -> "a size such as 10GiB";
            case "Duration" -> "a duration such as 30s or 7d";
            default -> type.startsWith("Map") || type.endsWith("Config") || type.endsWith("Options")
                    || type.endsWith("Section") ? "a mapping of keys" : type;
        };
    }

    private static String cleanMessage(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        int cut = m.indexOf("\n");
        return cut < 0 ? m : m.substring(0, cut);
    }
}
