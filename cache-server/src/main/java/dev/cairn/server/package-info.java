/**
 * The HTTP remote build cache of {@code cairn serve}: one port serves Bazel, ccache, Gradle and sccache (WebDAV)
 * over any {@link dev.cairn.spi.store.Store}. Entry point: {@link dev.cairn.server.CacheServer}, configured by
 * {@link dev.cairn.server.ServerConfig} (the {@code server:} section).
 *
 * <h2>Request paths and store namespaces</h2>
 * Every entry holds one blob named {@code output}.
 * <table>
 *   <caption>Mapping of request paths to store namespaces and keys</caption>
 *   <tr><th>Client</th><th>Path</th><th>Namespace</th><th>Key</th><th>Methods</th></tr>
 *   <tr><td>Bazel {@code --remote_cache=http://host:port}, ccache {@code layout=bazel}</td>
 *       <td>{@code /ac/<sha256>}</td><td>{@code bazel-ac}</td><td>the hash</td><td>GET HEAD PUT DELETE</td></tr>
 *   <tr><td>Bazel</td><td>{@code /cas/<sha256>}</td><td>{@code bazel-cas}</td><td>the hash; upload must hash to
 *       it (else 400); the empty blob always exists</td><td>GET HEAD PUT DELETE</td></tr>
 *   <tr><td>Bazel with {@code --remote_instance_name} or a URL path, ccache {@code layout=bazel} under a path</td>
 *       <td>{@code /<instance>/ac/<sha256>}, {@code /<instance>/cas/<sha256>}</td>
 *       <td>{@code bazel-ac--<instance>}, {@code bazel-cas--<instance>}</td><td>the hash</td>
 *       <td>GET HEAD PUT DELETE</td></tr>
 *   <tr><td>Gradle {@code HttpBuildCache} with URL {@code http://host:port/cache/}</td><td>{@code /cache/<key>}</td>
 *       <td>{@code gradle}</td><td>the key</td><td>GET HEAD PUT DELETE</td></tr>
 *   <tr><td>ccache {@code remote_storage = http://host:port/<path>|layout=subdirs} (or {@code flat}), sccache
 *       {@code SCCACHE_WEBDAV_ENDPOINT}, any other path</td><td>{@code /<any>/<path>}</td><td>{@code files}</td>
 *       <td>SHA-256 (hex) of the normalised path</td><td>GET HEAD PUT DELETE PROPFIND MKCOL OPTIONS</td></tr>
 *   <tr><td>monitoring</td><td>{@code /status}, {@code /metrics}</td><td>-</td><td>-</td><td>GET HEAD</td></tr>
 * </table>
 * Instance names match {@code [a-z0-9][a-z0-9_-]{0,50}}. Give ccache a path (e.g. {@code /ccache}): at the root,
 * a {@code subdirs} key starting with {@code ac} would read as a Bazel path. WebDAV collections are implicit:
 * {@code MKCOL} always answers 201, {@code PROPFIND} on a path ending in {@code /} answers 207 (the collection
 * alone, whatever the depth), on an entry 207 with its length, else 404.
 *
 * <h2>Status codes</h2>
 * <ul>
 *   <li>200 hit; 201 stored; 204 deleted; 207 PROPFIND.</li>
 *   <li>400 malformed path (escapes, {@code .}/{@code ..}, empty segments, bad hash or key), CAS digest mismatch,
 *       body shorter than {@code Content-Length}; the body says why.</li>
 *   <li>401 missing or wrong credentials ({@code WWW-Authenticate: Basic}); 403 read-only credentials or a
 *       read-only server on a write.</li>
 *   <li>404 miss; 405 method not allowed on that path (with {@code Allow}).</li>
 *   <li>413 blob larger than {@code server.maxBlobSize} (answered before the body is read, so an
 *       {@code Expect: 100-continue} client never sends it) or than the store allows.</li>
 *   <li>503 the store's back end is unreachable; 507 the store cannot make room.</li>
 * </ul>
 *
 * <h2>Uploads</h2>
 * A body is staged in the host's file pool, or in {@code upload-*.part} files of {@code server.stagingDir}, while
 * it arrives (a body smaller than 64 KiB stays on the heap); it is put into the store only when complete, of the announced length and (for the CAS) of the right
 * hash. A failed or aborted upload frees its staged bytes and leaves nothing in the store. Blobs are streamed in
 * 64 KiB chunks both ways; no blob is ever held in memory whole (except ones of at most 64 KiB on GET).
 *
 * <h2>Authentication</h2>
 * Optional ({@code server.auth}): HTTP Basic against an htpasswd file (bcrypt {@code $2y$} from
 * {@code htpasswd -B}, {@code {SHA}} from {@code htpasswd -s}, {@code $apr1$} MD5, the default of {@code htpasswd}),
 * and bearer tokens from a file of {@code <token> read|readwrite} lines (a token also works as the Basic password, for
 * clients that only speak Basic). Users in {@code readOnlyUsers} may only read; {@code anonymous} sets what requests
 * without credentials may do. TLS ({@code server.tls}) from a PKCS12 key store or PEM certificate and PKCS#8 key.
 */
package dev.cairn.server;
