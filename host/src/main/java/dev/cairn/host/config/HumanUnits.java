package dev.cairn.host.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.cairn.spi.config.DataSize;

import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jackson bindings for sizes ({@code 10GiB}) and durations ({@code 7d}, {@code 30s}, {@code 250ms}, ISO-8601), so
 * every plugin's config record gets human units without depending on Jackson.
 */
public final class HumanUnits {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");

    private HumanUnits() {
    }

    /** @return a Jackson module registering the {@link DataSize} and {@link Duration} deserializers */
    public static SimpleModule module() {
        SimpleModule module = new SimpleModule("cairn-human-units");
        module.addDeserializer(DataSize.class, new JsonDeserializer<>() {
            @Override
            public DataSize deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                    return DataSize.ofBytes(p.getLongValue());
                }
                String text = p.getValueAsString();
                try {
                    return DataSize.parse(text);
                } catch (IllegalArgumentException e) {
                    return (DataSize) ctx.handleWeirdStringValue(DataSize.class, text,
                            "expected a size such as 512MiB, 10GiB or a number of bytes");
                }
            }
        });
        module.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                    return Duration.ofSeconds(p.getLongValue());
                }
                String text = p.getValueAsString();
                try {
                    return parseDuration(text);
                } catch (IllegalArgumentException e) {
                    return (Duration) ctx.handleWeirdStringValue(Duration.class, text,
                            "expected a duration such as 250ms, 30s, 5m, 2h, 7d, 1w or ISO-8601 (PT30S)");
                }
            }
        });
        return module;
    }

    /**
     * Parses {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}, {@code 1w}, combinations such as
     * {@code 1h30m}, or ISO-8601 ({@code PT30S}, {@code P7D}).
     *
     * @param text the duration
     * @return the duration
     * @throws IllegalArgumentException when the text is not a duration
     */
    public static Duration parseDuration(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration");
        }
        String t = text.trim();
        if (t.startsWith("P") || t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("invalid ISO-8601 duration '" + text + "'", e);
            }
        }
        Matcher m = DURATION.matcher(t.toLowerCase(Locale.ROOT));
        Duration total = Duration.ZERO;
        int at = 0;
        while (m.find()) {
            if (m.start() != at) {
                throw new IllegalArgumentException("invalid duration '" + text + "'");
            }
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            });
            at = m.end();
            while (at < t.length() && t.charAt(at) == ' ') {
                at++;
            }
        }
        if (at != t.length() || at == 0) {
            throw new IllegalArgumentException("invalid duration '" + text + "'");
        }
        return total;
    }
}
