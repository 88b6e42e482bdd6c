package dev.cairn.layerfs.store;

import dev.cairn.layerfs.archive.IndexCodec;
import dev.cairn.layerfs.archive.LayerEntry;
import dev.cairn.layerfs.archive.LayerExtractor;
import dev.cairn.layerfs.archive.LayerIndex;
import dev.cairn.layerfs.archive.UnsafeArchiveException;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Extracted layers keyed by digest, and images naming stacks of them.
 *
 * <pre>
 * root/layers/sha256/&lt;hex&gt;/rootfs/   extracted content (regular files, directories, symlinks)
 *                          /index     every entry with its metadata ({@link IndexCodec})
 *                          /refs      number of images referencing the layer
 *                          /complete  present once extraction finished and the digest matched
 * root/images/&lt;encoded name&gt;      layer digests, bottom first
 * root/tmp/                       extraction in progress (swept at open)
 * </pre>
 *
 * A layer is extracted in {@code tmp/} and renamed into place whole, so a crash never leaves a half layer that
 * looks complete. Reference counts change under a store-wide file lock.
 */
public final class LayerStore {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private final Path root;

    /** @param root the store directory (created if absent) */
    public LayerStore(Path root) throws IOException {
        this.root = Objects.requireNonNull(root, "root is null");
        Files.createDirectories(root.resolve("layers/sha256"));
        Files.createDirectories(root.resolve("images"));
        Files.createDirectories(root.resolve("tmp"));
    }

    /** @return the store directory */
    public Path root() {
        return root;
    }

    /** @return a fresh directory under {@code tmp/} for staging */
    public Path newStagingDir(String prefix) throws IOException {
        return Files.createDirectories(root.resolve("tmp").resolve(prefix + "-" + UUID.randomUUID()));
    }

    /**
     * Imports one layer blob (tar or tar.gz).
     *
     * @param blob the bytes
     * @param expectedDigest {@code sha256:<hex>} to check, or null to accept whatever the bytes hash to
     * @return the stored layer (an existing complete layer of that digest is reused)
     * @throws DigestMismatchException when the bytes do not match {@code expectedDigest}; nothing is stored
     * @throws UnsafeArchiveException when an entry would escape the layer root; nothing is stored
     */
    public StoredLayer importLayer(InputStream blob, String expectedDigest) throws IOException {
        if (expectedDigest != null) {
            checkDigest(expectedDigest);
            Optional<StoredLayer> existing = layer(expectedDigest);
            if (existing.isPresent() && existing.get().complete()) {
                blob.transferTo(java.io.OutputStream.nullOutputStream());
                return existing.get();
            }
        }
        Path staging = newStagingDir("layer");
        try {
            Path rootfs = Files.createDirectories(staging.resolve("rootfs"));
            LayerIndex index = new LayerIndex(rootfs);
            LayerExtractor.Extracted extracted = new LayerExtractor(index).extract(blob);
            if (expectedDigest != null && !expectedDigest.equals(extracted.digest())) {
                throw new DigestMismatchException(expectedDigest, extracted.digest());
            }
            return publish(staging, extracted.digest(), index);
        } finally {
            deleteTree(staging);
        }
    }

    /**
     * Moves a fully extracted staging directory ({@code rootfs/} inside) into the store under its digest and points
     * the index at it. If the digest is already stored, the index points at the stored copy and the staging copy is
     * left for the caller to delete.
     */
    public StoredLayer publish(Path staging, String digest, LayerIndex index) throws IOException {
        checkDigest(digest);
        writeIndex(staging.resolve("index"), index.entries());
        Files.writeString(staging.resolve("refs"), "0\n");
        Files.writeString(staging.resolve("complete"), digest + "\n");
        Path target = layerDir(digest);
        synchronized (this) {
            try (FileLock ignored = lock()) {
                if (Files.exists(target.resolve("complete"))) {
                    index.relocate(target.resolve("rootfs"), () -> { });
                    return layer(digest).orElseThrow();
                }
                if (Files.exists(target)) {
                    deleteTree(target); // an incomplete leftover
                }
                index.relocate(target.resolve("rootfs"), () -> {
                    try {
                        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                        throw new IOException("could not move layer " + digest + " into " + target, e);
                    }
                });
            }
        }
        return layer(digest).orElseThrow();
    }

    /** @return the layer, if its directory exists */
    public Optional<StoredLayer> layer(String digest) throws IOException {
        checkDigest(digest);
        Path dir = layerDir(digest);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        return Optional.of(new StoredLayer(digest, dir, Files.exists(dir.resolve("complete")), readRefs(dir)));
    }

    /** @return every stored layer, sorted by digest */
    public List<StoredLayer> layers() throws IOException {
        List<StoredLayer> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root.resolve("layers/sha256"))) {
            for (Path p : s.sorted().toList()) {
                layer("sha256:" + p.getFileName()).ifPresent(out::add);
            }
        }
        return out;
    }

    /** Loads a complete layer's index. */
    public LayerIndex open(String digest) throws IOException {
        StoredLayer layer = layer(digest).filter(StoredLayer::complete)
                .orElseThrow(() -> new IOException("layer " + digest + " is not in the store (or incomplete)"));
        LayerIndex index = new LayerIndex(layer.rootfs());
        try (Reader r = Files.newBufferedReader(layer.dir().resolve("index"), StandardCharsets.UTF_8)) {
            for (LayerEntry e : IndexCodec.read(r).entries()) {
                index.add(e);
            }
        }
        for (LayerEntry e : index.entries()) {
            index.markReady(e.path());
        }
        index.complete();
        return index;
    }

    /** Records an image and takes a reference on each of its layers. Re-importing a name replaces it. */
    public ImageRecord putImage(String name, List<String> layers) throws IOException {
        ImageRecord image = new ImageRecord(name, layers);
        synchronized (this) {
            try (FileLock ignored = lock()) {
                for (String d : layers) {
                    if (layer(d).filter(StoredLayer::complete).isEmpty()) {
                        throw new IOException("layer " + d + " of image " + name + " is not in the store");
                    }
                }
                Optional<ImageRecord> old = image(name);
                for (String d : layers) {
                    addRefs(d, 1);
                }
                if (old.isPresent()) {
                    for (String d : old.get().layers()) {
                        addRefs(d, -1);
                    }
                }
                Path tmp = root.resolve("tmp").resolve("image-" + UUID.randomUUID());
                Files.write(tmp, layers, StandardCharsets.UTF_8);
                Files.move(tmp, imageFile(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return image;
    }

    /** @return the image of that name, if stored */
    public Optional<ImageRecord> image(String name) throws IOException {
        Path f = imageFile(name);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return Optional.of(new ImageRecord(name, Files.readAllLines(f, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).toList()));
    }

    /** @return every image, sorted by name */
    public List<ImageRecord> images() throws IOException {
        List<ImageRecord> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root.resolve("images"))) {
            for (Path p : s.sorted().toList()) {
                image(decodeName(p.getFileName().toString())).ifPresent(out::add);
            }
        }
        out.sort(Comparator.comparing(ImageRecord::name));
        return out;
    }

    /**
     * Removes an image, dropping its references; layers left without references are removed.
     *
     * @return the digests of the layers removed
     */
    public List<String> removeImage(String name) throws IOException {
        List<String> removed = new ArrayList<>();
        synchronized (this) {
            try (FileLock ignored = lock()) {
                ImageRecord image = image(name).orElseThrow(() -> new IOException("no image named '" + name + "'"));
                Files.delete(imageFile(name));
                for (String d : image.layers()) {
                    if (addRefs(d, -1) == 0 && !removed.contains(d)) {
                        deleteTree(layerDir(d));
                        removed.add(d);
                    }
                }
            }
        }
        return removed;
    }

    /** Removes a layer no image references. */
    public void removeLayer(String digest) throws IOException {
        synchronized (this) {
            try (FileLock ignored = lock()) {
                StoredLayer layer = layer(digest).orElseThrow(() -> new IOException("no layer " + digest));
                if (layer.refs() > 0) {
                    throw new IOException("layer " + digest + " is referenced by " + layer.refs() + " image(s)");
                }
                deleteTree(layer.dir());
            }
        }
    }

    /** Deletes everything under {@code tmp/} (left by crashed imports); call when no import is running. */
    public void sweepStaging() throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("tmp"))) {
            for (Path p : s.toList()) {
                deleteTree(p);
            }
        }
    }

    private int addRefs(String digest, int delta) throws IOException {
        Path dir = layerDir(digest);
        int refs = Math.max(0, readRefs(dir) + delta);
        Path tmp = root.resolve("tmp").resolve("refs-" + UUID.randomUUID());
        Files.writeString(tmp, refs + "\n");
        Files.move(tmp, dir.resolve("refs"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return refs;
    }

    private static int readRefs(Path dir) throws IOException {
        Path f = dir.resolve("refs");
        return Files.exists(f) ? Integer.parseInt(Files.readString(f).trim()) : 0;
    }

    private FileLock lock() throws IOException {
        FileChannel ch = FileChannel.open(root.resolve("store.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = ch.lock();
            return new FileLock(ch, 0, Long.MAX_VALUE, false) {
                @Override
                public boolean isValid() {
                    return lock.isValid();
                }

                @Override
                public void release() throws IOException {
                    try {
                        lock.release();
                    } finally {
                        ch.close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private Path layerDir(String digest) {
        return root.resolve("layers/sha256").resolve(digest.substring("sha256:".length()));
    }

    private Path imageFile(String name) {
        return root.resolve("images").resolve(encodeName(name));
    }

    static String encodeName(String name) {
        StringBuilder b = new StringBuilder();
        for (byte c : name.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        String s = b.toString();
        return s.startsWith(".") ? "%2E" + s.substring(1) : s;
    }

    static String decodeName(String file) {
        return java.net.URLDecoder.decode(file.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static void checkDigest(String digest) {
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("not a sha256 digest: '" + digest + "' (expected sha256:<64 hex>)");
        }
    }

    static void writeIndex(Path file, List<LayerEntry> entries) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            IndexCodec.write(w, entries, Map.of());
        }
    }

    /** Deletes a tree without following symlinks. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
