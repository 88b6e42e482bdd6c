package dev.cairn.host.cli;

/** The exit codes every {@code cairn} command uses. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** The command ran and failed (I/O error, a plugin failed to load, a port is taken). */
    public static final int FAILURE = 1;
    /** Bad command line or bad configuration: nothing was done. */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
