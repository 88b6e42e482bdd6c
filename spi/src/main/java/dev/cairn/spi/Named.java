package dev.cairn.spi;

/**
 * Anything the host selects by name from configuration. Names are unique per extension point across all plugins:
 * two plugins providing the same name is a start-up error naming both.
 */
public interface Named {
    /**
     * The name that configuration uses to select this implementation, e.g. {@code disk} or {@code bitmap}.
     * Lower case letters, digits and dashes.
     *
     * @return the name
     */
    String name();
}
