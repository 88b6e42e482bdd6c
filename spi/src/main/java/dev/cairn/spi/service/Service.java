package dev.cairn.spi.service;

import dev.cairn.spi.StatusSource;

/**
 * A long-running part of {@code cairn serve} contributed by a plugin (for example the sparse sync server). The host
 * starts services in configuration order and stops them in reverse order on SIGTERM.
 */
public interface Service extends StatusSource {
    /**
     * Starts serving; returns once the service accepts work. Listeners are announced with
     * {@link dev.cairn.spi.HostContext#listening(String)}.
     *
     * @throws Exception when the service cannot start; {@code cairn serve} then stops and exits with 1
     */
    void start() throws Exception;

    /**
     * Stops serving, finishing or aborting work in flight within a few seconds.
     *
     * @throws Exception when stopping fails; the host logs it and goes on stopping the others
     */
    void stop() throws Exception;
}
