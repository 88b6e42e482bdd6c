package dev.cairn.sparse;

import dev.cairn.spi.config.DataSize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The small option syntax of the sparse-sync commands: {@code --name value}, {@code --name=value}, {@code --flag}. */
final class Args {
    private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
    private final Map<String, String> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    /**
     * @param args raw arguments
     * @param valued option names that take a value
     * @param flags option names that take none
     */
    static Args parse(List<String> args, Set<String> valued, Set<String> flags) throws UsageException {
        Args a = new Args();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                a.positional.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!arg.startsWith("--") || arg.length() == 2) {
                a.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name) && value == null) {
                a.options.put(name, "true");
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                a.options.put(name, value);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return a;
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    String get(String name, String otherwise) {
        return options.getOrDefault(name, otherwise);
    }

    List<String> positional() {
        return positional;
    }

    int integer(String name, int otherwise) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return otherwise;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a whole number, not '" + v + "'");
        }
    }

    long size(String name, long otherwise) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return otherwise;
        }
        try {
            return DataSize.parse(v).bytes();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--" + name + ": " + e.getMessage());
        }
    }

    Duration duration(String name, Duration otherwise) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return otherwise;
        }
        Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UsageException("--" + name + " must be a duration such as 250ms, 30s, 10m, 1h or 7d, not '" + v
                    + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
