package dev.cairn.layerfs.archive;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Text form of a layer's entries: one line per entry, tab-separated, with {@code \t}, {@code \n} and {@code \\}
 * escaped. Used for the stored index of a layer and for the table of contents at the head of a packed stream.
 */
public final class IndexCodec {
    private static final String MAGIC = "cairn-layer-index 1";

    private IndexCodec() {
    }

    /** Writes entries, with optional comment lines ({@code #key value}) after the magic line. */
    public static void write(Writer out, List<LayerEntry> entries, Map<String, String> comments) throws IOException {
        out.write(MAGIC);
        out.write('\n');
        for (Map.Entry<String, String> c : new TreeMap<>(comments).entrySet()) {
            out.write("#" + escape(c.getKey()) + "\t" + escape(c.getValue()) + "\n");
        }
        for (LayerEntry e : entries) {
            StringBuilder xattrs = new StringBuilder();
            for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
                if (xattrs.length() > 0) {
                    xattrs.append(',');
                }
                xattrs.append(Base64.getEncoder().encodeToString(x.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .append('=').append(Base64.getEncoder().encodeToString(x.getValue()));
            }
            out.write(String.join("\t", e.kind().name(), Integer.toOctalString(e.mode()), Long.toString(e.uid()),
                    Long.toString(e.gid()), Long.toString(e.mtimeMillis()), Long.toString(e.size()),
                    Integer.toString(e.devMajor()), Integer.toString(e.devMinor()), escape(e.path()), escape(e.link()),
                    xattrs.toString()));
            out.write('\n');
        }
        out.flush();
    }

    /** The result of {@link #read}. */
    public record Parsed(List<LayerEntry> entries, Map<String, String> comments) {
    }

    /** Reads what {@link #write} wrote. */
    public static Parsed read(Reader in) throws IOException {
        BufferedReader r = new BufferedReader(in);
        String first = r.readLine();
        if (!MAGIC.equals(first)) {
            throw new IOException("not a layer index (first line '" + first + "')");
        }
        List<LayerEntry> entries = new ArrayList<>();
        Map<String, String> comments = new TreeMap<>();
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("#")) {
                String[] kv = line.substring(1).split("\t", -1);
                comments.put(unescape(kv[0]), kv.length > 1 ? unescape(kv[1]) : "");
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 11) {
                throw new IOException("malformed layer index line: " + line);
            }
            Map<String, byte[]> xattrs = new TreeMap<>();
            if (!f[10].isEmpty()) {
                for (String kv : f[10].split(",")) {
                    int eq = kv.indexOf('=');
                    xattrs.put(new String(Base64.getDecoder().decode(kv.substring(0, eq)), java.nio.charset.StandardCharsets.UTF_8),
                            Base64.getDecoder().decode(kv.substring(eq + 1)));
                }
            }
            try {
                entries.add(new LayerEntry(unescape(f[8]), EntryKind.valueOf(f[0]), Integer.parseInt(f[1], 8),
                        Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]),
                        unescape(f[9]), Integer.parseInt(f[6]), Integer.parseInt(f[7]), xattrs));
            } catch (IllegalArgumentException e) {
                throw new IOException("malformed layer index line: " + line, e);
            }
        }
        return new Parsed(entries, comments);
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    static String unescape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
