package dev.cairn.spi;

/**
 * A factory the host finds by {@link #name()} and calls with its validated configuration.
 *
 * <p>The host binds the configuration sub-tree of whatever config entry selected this factory (for example one
 * element of {@code cache.stores}, minus its {@code type} key) to {@link #configType()}: an immutable {@code record}
 * whose compact constructor validates its fields and throws {@link IllegalArgumentException} naming the offending
 * key. Unknown keys are rejected by the host before the record is built.
 *
 * <p>Factories are discovered through {@code META-INF/services/<extension point interface>}, both inside PF4J
 * plugin jars and on the host's class path. They must have a public no-argument constructor and must not do work in
 * it: a plugin that is present but not configured must cost nothing.
 *
 * @param <C> the configuration record type
 * @param <T> what the factory creates
 */
public interface NamedFactory<C, T> extends Named {
    /**
     * The record type the host binds this factory's configuration to. Record components of type
     * {@link dev.cairn.spi.config.DataSize} accept sizes such as {@code 10GiB}; components of type
     * {@link java.time.Duration} accept durations such as {@code 7d} or {@code 30s}.
     *
     * @return the configuration record class
     */
    Class<C> configType();

    /**
     * Creates an instance from a validated configuration.
     *
     * @param config the bound configuration, never null
     * @param context services of the host
     * @return a new instance, owned (and closed) by the host
     * @throws Exception when the instance cannot be created; the host reports it with the factory's name
     */
    T create(C config, HostContext context) throws Exception;
}
