package dev.cairn.sparse;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Reports a {@link Progress} periodically while a command runs: 5 times a second on a terminal, else each second. */
final class ProgressTicker implements AutoCloseable {
    private final Progress progress;
    private final ScheduledExecutorService timer;
    private volatile boolean done;

    ProgressTicker(Progress progress, boolean terminal) {
        this.progress = progress;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cairn-progress");
            t.setDaemon(true);
            return t;
        });
        long period = terminal ? 200 : 1000;
        timer.scheduleAtFixedRate(progress::report, period, period, TimeUnit.MILLISECONDS);
    }

    /** Marks the work finished, so closing prints the final 100% state. */
    void done() {
        done = true;
    }

    /** Stops reporting; prints the final state after {@link #done()}, else only ends a bar's line. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (done) {
            progress.finish();
        } else {
            progress.abandon();
        }
    }
}
