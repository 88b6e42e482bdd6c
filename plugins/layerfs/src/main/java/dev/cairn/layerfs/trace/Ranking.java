package dev.cairn.layerfs.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The order in which a workload group needs files: merged from traces by each file's earliest first access over all
 * traces. The order is deterministic: equal times are broken by path, and the input order of traces or records does
 * not matter.
 *
 * @param group the workload group
 * @param paths files, needed-first first
 */
public record Ranking(String group, List<String> paths) {
    static final String HEADER = "cairn-layerfs-ranking 1";

    /** Validates and copies. */
    public Ranking {
        Objects.requireNonNull(group, "group is null");
        if (!group.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException("invalid group name '" + group + "' (letters, digits, '.', '_', '-')");
        }
        paths = List.copyOf(paths);
    }

    /** Merges traces of one group. */
    public static Ranking merge(String group, List<List<TraceRecord>> traces) {
        Map<String, Long> first = new HashMap<>();
        for (List<TraceRecord> trace : traces) {
            for (TraceRecord r : trace) {
                first.merge(r.path(), r.sinceMountMicros(), Math::min);
            }
        }
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(first.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey(Comparator.naturalOrder())));
        return new Ranking(group, sorted.stream().map(Map.Entry::getKey).toList());
    }

    /** Writes the ranking (temp file, then rename). */
    public void write(Path file) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        StringBuilder b = new StringBuilder(HEADER).append('\n').append("#group ").append(group).append('\n');
        for (String p : paths) {
            b.append(p).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
        Files.writeString(tmp, b, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads a ranking file. */
    public static Ranking read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 2 || !lines.get(0).equals(HEADER) || !lines.get(1).startsWith("#group ")) {
            throw new IOException(file + " is not a layerfs ranking (missing '" + HEADER + "' header)");
        }
        return new Ranking(lines.get(1).substring("#group ".length()), lines.subList(2, lines.size()).stream()
                .filter(l -> !l.isEmpty()).toList());
    }
}
