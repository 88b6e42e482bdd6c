package dev.cairn.layerfs.trace;

/** Receives the first access of each file of a mount. */
public interface AccessTracer extends AutoCloseable {
    /** Records nothing. */
    AccessTracer NONE = new AccessTracer() {
        @Override
        public void accessed(String path, long sinceMountNanos, long waitNanos) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * @param path the file's path in the mount (relative, no leading slash)
     * @param sinceMountNanos time from mount to this access
     * @param waitNanos time the access spent waiting for content to arrive
     */
    void accessed(String path, long sinceMountNanos, long waitNanos);

    @Override
    void close() throws java.io.IOException;
}
