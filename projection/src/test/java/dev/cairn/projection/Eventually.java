package dev.cairn.projection;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until a deadline: the bounded wait the background-thread tests use instead of sleeps. */
final class Eventually {
    private Eventually() {
    }

    static void await(String what, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 10 s waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
