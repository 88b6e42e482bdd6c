package dev.cairn.spi.command;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Objects;

/**
 * The standard streams of a command.
 *
 * @param in standard input
 * @param out standard output
 * @param err standard error: errors, and progress meant for humans
 * @param terminal whether standard error is a terminal (so progress may redraw a bar)
 */
public record CommandIo(InputStream in, PrintStream out, PrintStream err, boolean terminal) {
    /** Rejects null streams. */
    public CommandIo {
        Objects.requireNonNull(in, "in is null");
        Objects.requireNonNull(out, "out is null");
        Objects.requireNonNull(err, "err is null");
    }
}
