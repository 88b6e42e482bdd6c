package dev.cairn.server.route;

/** The client protocol a request path belongs to. */
public enum Protocol {
    /** Bazel's HTTP cache: {@code /[instance/]ac/<sha256>} and {@code /[instance/]cas/<sha256>}. */
    BAZEL,
    /** Gradle's HTTP build cache: {@code /cache/<key>}. */
    GRADLE,
    /** Any other path: ccache's {@code subdirs} and {@code flat} layouts, sccache's WebDAV. */
    FILES,
    /** {@code GET /status}. */
    STATUS,
    /** {@code GET /metrics}. */
    METRICS
}
