package dev.cairn.spi.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes as written in configuration: {@code 4096}, {@code 512B}, {@code 4KiB}, {@code 10GiB}, {@code 1.5G}.
 * Binary units (KiB, MiB, GiB, TiB) are powers of 1024; decimal units (KB, MB, GB, TB) powers of 1000; K, M, G and T
 * alone are binary, as most storage tools read them.
 *
 * @param bytes the size in bytes, never negative
 */
public record DataSize(long bytes) implements Comparable<DataSize> {
    private static final Pattern FORMAT =
            Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([a-zA-Z]*)\\s*");

    /** Rejects negative sizes. */
    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("size must not be negative: " + bytes);
        }
    }

    /**
     * @param bytes a number of bytes
     * @return the size
     */
    public static DataSize ofBytes(long bytes) {
        return new DataSize(bytes);
    }

    /**
     * Parses a size.
     *
     * @param text e.g. {@code 10GiB}
     * @return the size
     * @throws IllegalArgumentException naming the allowed units when the text is not a size
     */
    public static DataSize parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "' (expected e.g. 4096, 512MiB, 10GiB)");
        }
        long multiplier = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "k", "kib" -> 1L << 10;
            case "m", "mib" -> 1L << 20;
            case "g", "gib" -> 1L << 30;
            case "t", "tib" -> 1L << 40;
            case "kb" -> 1000L;
            case "mb" -> 1000_000L;
            case "gb" -> 1000_000_000L;
            case "tb" -> 1000_000_000_000L;
            default -> throw new IllegalArgumentException("unknown size unit '" + m.group(2) + "' in '" + text
                    + "' (allowed: B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)");
        };
        double value = Double.parseDouble(m.group(1)) * multiplier;
        if (value > Long.MAX_VALUE) {
            throw new IllegalArgumentException("size too large: " + text);
        }
        return new DataSize((long) value);
    }

    @Override
    public int compareTo(DataSize other) {
        return Long.compare(bytes, other.bytes);
    }

    /** @return the size in the largest binary unit that divides it, e.g. {@code 10GiB} */
    @Override
    public String toString() {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        long v = bytes;
        int unit = 0;
        while (unit < units.length - 1 && v != 0 && v % 1024 == 0) {
            v /= 1024;
            unit++;
        }
        return v + units[unit];
    }
}
