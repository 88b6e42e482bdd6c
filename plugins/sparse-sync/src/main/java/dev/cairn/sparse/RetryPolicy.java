package dev.cairn.sparse;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * Retries a call on transport errors and on 5xx/429 answers, with exponential backoff; any other error (a 4xx
 * answer, a verification failure) fails at once.
 *
 * @param attempts total attempts, at least 1
 * @param initialBackoff wait before the first retry; doubled each time
 * @param maxBackoff upper bound of one wait
 * @param sleeper how to wait (tests pass one that records instead of sleeping)
 */
record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff, Sleeper sleeper) {
    /** Waits between attempts. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /** A call that may fail with an I/O error. */
    interface Call<T> {
        T run() throws IOException;
    }

    RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff is null");
        Objects.requireNonNull(maxBackoff, "maxBackoff is null");
        Objects.requireNonNull(sleeper, "sleeper is null");
    }

    static RetryPolicy defaults() {
        return new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(10), d -> Thread.sleep(d.toMillis()));
    }

    static boolean retryable(IOException e) {
        if (e instanceof RemoteException r) {
            return r.retryable();
        }
        return !(e instanceof VerificationException);
    }

    <T> T run(String what, Call<T> call) throws IOException {
        Duration wait = initialBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (IOException e) {
                if (!retryable(e) || attempt >= attempts) {
                    if (attempt > 1) {
                        e.addSuppressed(new IOException(what + ": gave up after " + attempt + " attempts"));
                    }
                    throw e;
                }
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException(what + " interrupted while waiting to retry");
            }
            wait = wait.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : wait.multipliedBy(2);
        }
    }
}
