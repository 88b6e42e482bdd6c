package dev.cairn.host.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cairn.spi.ConfigurationException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in every string value of a config tree, so secrets stay in
 * the environment. {@code $${} writes a literal {@code ${}. An unset variable without a default is an error naming the
 * key, never an empty string that would silently disable, say, authentication.
 */
public final class EnvSubstitution {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private final Function<String, String> environment;

    /** @param environment looks up a variable, returning null when it is unset */
    public EnvSubstitution(Function<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment is null");
    }

    /**
     * Substitutes in place.
     *
     * @param node the tree
     * @param path the key path of {@code node}, for errors
     */
    public void apply(JsonNode node, String path) {
        if (node instanceof ObjectNode object) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                fields.add(it.next());
            }
            for (Map.Entry<String, JsonNode> field : fields) {
                String key = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (field.getValue().isTextual()) {
                    object.set(field.getKey(), substitute(field.getValue().asText(), key));
                } else {
                    apply(field.getValue(), key);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String key = path + "[" + i + "]";
                if (array.get(i).isTextual()) {
                    array.set(i, substitute(array.get(i).asText(), key));
                } else {
                    apply(array.get(i), key);
                }
            }
        }
    }

    private TextNode substitute(String text, String key) {
        if (!text.contains("${")) {
            return TextNode.valueOf(text);
        }
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$${")) {
                replacement = "${";
            } else {
                String value = environment.apply(m.group(1));
                if (value == null) {
                    if (m.group(2) == null) {
                        throw new ConfigurationException(key, "environment variable " + m.group(1)
                                + " is not set (write ${" + m.group(1) + ":-default} to give a default)");
                    }
                    value = m.group(2);
                }
                replacement = value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return TextNode.valueOf(out.toString());
    }
}
