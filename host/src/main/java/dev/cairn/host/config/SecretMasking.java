package dev.cairn.host.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Masks values of keys that look like secrets before a config is printed or published. */
public final class SecretMasking {
    private static final Pattern SECRET = Pattern.compile("(?i).*(secret|password|token|credential).*");

    private SecretMasking() {
    }

    /**
     * @param tree a config tree
     * @return a copy with secret values replaced by {@code ****}
     */
    public static JsonNode masked(JsonNode tree) {
        JsonNode copy = tree.deepCopy();
        mask(copy);
        return copy;
    }

    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (SECRET.matcher(name).matches() && o.get(name).isValueNode()) {
                    o.set(name, TextNode.valueOf("****"));
                } else {
                    mask(o.get(name));
                }
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(SecretMasking::mask);
        }
    }
}
