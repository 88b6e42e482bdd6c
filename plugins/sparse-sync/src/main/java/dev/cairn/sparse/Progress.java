package dev.cairn.sparse;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of a running sync, fold or prune, and their rendering: a bar redrawn in place on a terminal, plain lines
 * otherwise. The caller decides when to {@link #report()} (a timer in commands, never in tests).
 */
final class Progress {
    private final String verb;
    private final long total;
    private final Clock clock;
    private final PrintStream out;
    private final boolean terminal;
    private final long started;
    private final AtomicLong scanned = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private volatile int lastPercent = -1;

    Progress(String verb, long total, Clock clock, PrintStream out, boolean terminal) {
        this.verb = Objects.requireNonNull(verb, "verb is null");
        this.total = total;
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.out = Objects.requireNonNull(out, "out is null");
        this.terminal = terminal;
        this.started = clock.millis();
    }

    void scanned(long bytes) {
        scanned.addAndGet(bytes);
    }

    void sent(long bytes) {
        sent.addAndGet(bytes);
    }

    long scanned() {
        return scanned.get();
    }

    long sent() {
        return sent.get();
    }

    long elapsedMillis() {
        return clock.millis() - started;
    }

    /** Prints the current state: redraws the bar on a terminal; a plain line when the percentage moved. */
    synchronized void report() {
        long s = scanned.get();
        int percent = total == 0 ? 100 : (int) (s * 100 / total);
        if (!terminal && percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        long elapsed = Math.max(1, elapsedMillis());
        String eta = s == 0 ? "?" : seconds((long) ((double) (total - s) * elapsed / s));
        String text = String.format(Locale.ROOT, "%s: %3d%% scanned %s of %s, sent %s, ETA %s", verb, percent,
                bytes(s), bytes(total), bytes(sent.get()), eta);
        if (terminal) {
            int width = 30;
            int filled = percent * width / 100;
            out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + text + "\u001b[K");
        } else {
            out.println(text);
        }
        out.flush();
    }

    /** Ends the bar's line on a terminal. */
    synchronized void finish() {
        if (terminal) {
            report();
            out.println();
        } else if (lastPercent != 100) {
            report();
        }
    }

    /** After a failure: ends a partly drawn bar's line so the error starts on a line of its own. */
    synchronized void abandon() {
        if (terminal && lastPercent >= 0) {
            out.println();
            out.flush();
        }
    }

    static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
