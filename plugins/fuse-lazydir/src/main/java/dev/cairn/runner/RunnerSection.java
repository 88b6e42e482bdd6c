package dev.cairn.runner;

/**
 * The runner's configuration section, {@code sections: {runner: {buildDirectory: /worker/build}}}; the
 * {@code --build-dir} option overrides it.
 *
 * @param buildDirectory the build directory (relative paths resolve against the Cairn home), or null
 */
public record RunnerSection(String buildDirectory) {
    /** Treats a blank value as absent. */
    public RunnerSection {
        if (buildDirectory != null && buildDirectory.isBlank()) {
            buildDirectory = null;
        }
    }
}
