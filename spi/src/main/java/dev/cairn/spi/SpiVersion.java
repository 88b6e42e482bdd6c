package dev.cairn.spi;

/**
 * Version of this SPI. A plugin declares the range it was built for in its manifest
 * ({@code Plugin-Requires: >=1.0.0 & <2.0.0}); the host refuses plugins whose range excludes {@link #CURRENT}.
 * The major version changes only when an existing method changes or disappears.
 */
public final class SpiVersion {
    /** Major version: plugins built for another major are refused. */
    public static final int MAJOR = 1;
    /** Minor version: grows when extension points gain methods with defaults. */
    public static final int MINOR = 0;
    /** Full version string, as compared against a plugin's {@code Plugin-Requires}. */
    public static final String CURRENT = MAJOR + "." + MINOR + ".0";

    private SpiVersion() {
    }
}
