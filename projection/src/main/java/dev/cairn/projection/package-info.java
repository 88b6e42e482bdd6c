/**
 * Atomic projection of a set of files into a directory, the Kubernetes {@code AtomicWriter} way: visible symlinks
 * {@code name -> ..data/name}, and {@code ..data} swapped to a new timestamped directory with one {@code rename(2)}.
 *
 * <ul>
 *   <li>{@link dev.cairn.projection.AtomicWriter} writes a payload ({@link dev.cairn.projection.PayloadFile}s keyed by
 *       paths checked by {@link dev.cairn.projection.PayloadPaths});</li>
 *   <li>{@link dev.cairn.projection.ProjectionSource} reads a payload from a directory tree or a JSON document, and
 *       {@link dev.cairn.projection.ProjectionWatcher} re-projects it when it changes;</li>
 *   <li>{@link dev.cairn.projection.ConfigVolumeWatcher} tells a process that its configuration file, possibly in a
 *       ConfigMap volume, changed;</li>
 *   <li>{@link dev.cairn.projection.StatusPublisher} publishes status documents for sidecars;</li>
 *   <li>{@link dev.cairn.projection.ProjectCli} is {@code cairn project}.</li>
 * </ul>
 *
 * <p>A plain library (no SPI types), shipped in the host's {@code lib/}, so the host and any plugin can use it.
 */
package dev.cairn.projection;
