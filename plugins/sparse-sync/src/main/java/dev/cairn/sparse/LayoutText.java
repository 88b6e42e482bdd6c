package dev.cairn.sparse;

import dev.cairn.spi.io.Interval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The wire form of a layout: one {@code D <offset> <length>} or {@code H <offset> <length>} per line. */
final class LayoutText {
    private LayoutText() {
    }

    static String format(List<Interval> layout) {
        StringBuilder b = new StringBuilder();
        for (Interval i : layout) {
            b.append(i.kind() == Interval.Kind.DATA ? 'D' : 'H').append(' ').append(i.offset()).append(' ')
                    .append(i.length()).append('\n');
        }
        return b.toString();
    }

    static List<Interval> parse(String text) throws IOException {
        List<Interval> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" ");
            try {
                if (f.length != 3 || !(f[0].equals("D") || f[0].equals("H"))) {
                    throw new IllegalArgumentException("bad line");
                }
                out.add(new Interval(Long.parseLong(f[1]), Long.parseLong(f[2]),
                        f[0].equals("D") ? Interval.Kind.DATA : Interval.Kind.HOLE));
            } catch (IllegalArgumentException e) {
                throw new IOException("the sync server sent an invalid layout line: '" + line + "'");
            }
        }
        return out;
    }
}
