package dev.cairn.layerfs.archive;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Reads a layer stream (tar, optionally gzip-compressed) into a {@link LayerIndex}, writing regular files under the
 * index's content root through a temporary name and an atomic rename, so a file is never visible half-written.
 * Entry metadata (owner, mode, xattrs, devices, whiteouts) is kept in the index, not applied on disk.
 */
public final class LayerExtractor {
    /** Name of the table of contents a packed stream starts with (never shown in a mount). */
    public static final String TOC_NAME = ".cairn-toc";
    /** Comment key in the table of contents naming the ranking the stream was packed with. */
    public static final String RANKING_KEY = "ranking";
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String OPAQUE_NAME = ".wh..wh..opq";

    private final LayerIndex index;

    /** @param index the index to fill (its content root must exist) */
    public LayerExtractor(LayerIndex index) {
        this.index = Objects.requireNonNull(index, "index is null");
    }

    /**
     * Extracts the whole stream. The index is completed on success; on failure it is failed and the error rethrown.
     *
     * @return the digest ({@code sha256:<hex>}) of the raw stream bytes
     */
    public Extracted extract(InputStream raw) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        DigestInputStream digesting = new DigestInputStream(raw, sha);
        try {
            BufferedInputStream buffered = new BufferedInputStream(digesting, 65536);
            buffered.mark(4);
            int b1 = buffered.read();
            int b2 = buffered.read();
            buffered.reset();
            InputStream tarBytes = buffered;
            if (b1 == 0x1f && b2 == 0x8b) {
                tarBytes = GzipCompressorInputStream.builder().setInputStream(buffered).setDecompressConcatenated(false).get();
            } else if (b1 == 0x28 && b2 == 0xb5) {
                throw new IOException("zstd-compressed layers are not supported; use tar or tar.gz");
            }
            Map<String, String> comments = Map.of();
            // block size 512: never read past the end-of-archive blocks waiting for record padding a stream may not
            // have (yet); whatever follows is drained below for the digest
            TarArchiveInputStream tar = new TarArchiveInputStream(tarBytes, 512);
            TarArchiveEntry te;
            boolean first = true;
            long count = 0;
            while ((te = tar.getNextEntry()) != null) {
                String raw0 = te.getName();
                String path = EntryPaths.normalize(raw0);
                if (first && path.equals(TOC_NAME)) {
                    IndexCodec.Parsed toc = IndexCodec.read(new InputStreamReader(tar, StandardCharsets.UTF_8));
                    index.announce(toc.entries());
                    comments = toc.comments();
                    first = false;
                    continue;
                }
                first = false;
                LayerEntry entry = toEntry(te, path);
                index.add(entry);
                materialize(entry, tar);
                count++;
            }
            byte[] drain = new byte[65536];
            if (tarBytes != buffered) {
                while (tarBytes.read(drain) >= 0) {
                    // up to the gzip trailer
                }
            }
            if (raw instanceof ArchiveEndAware aware) {
                aware.archiveEnded();
            }
            while (digesting.read(drain) >= 0) {
                // the digest covers the whole blob, including padding after the end-of-archive blocks
            }
            index.complete();
            return new Extracted("sha256:" + HexFormat.of().formatHex(sha.digest()), count, comments);
        } catch (IOException | RuntimeException e) {
            index.fail(e instanceof IOException io ? io : new IOException(e));
            throw e;
        }
    }

    /** The outcome of {@link #extract}. */
    public record Extracted(String digest, long entries, Map<String, String> comments) {
    }

    private void materialize(LayerEntry entry, InputStream content) throws IOException {
        Path root = index.contentRoot();
        Path target = entry.path().isEmpty() ? root : root.resolve(entry.path());
        switch (entry.kind()) {
            case DIR -> {
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(target);
                }
                Files.createDirectories(target);
            }
            case FILE -> {
                Files.createDirectories(target.getParent());
                Path tmp = target.resolveSibling(".cairn-tmp-" + UUID.randomUUID());
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    content.transferTo(out);
                }
                removeNonFile(target);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                index.markReady(entry.path());
            }
            case SYMLINK -> {
                Files.createDirectories(target.getParent());
                removeNonFile(target);
                Files.deleteIfExists(target);
                Files.createSymbolicLink(target, Path.of(entry.link()));
            }
            default -> {
                // hard links, devices, fifos, whiteouts: described by the index only
                if (entry.kind() != EntryKind.OPAQUE && !entry.path().isEmpty()) {
                    Files.createDirectories(target.getParent());
                }
            }
        }
    }

    private static void removeNonFile(Path target) throws IOException {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            try (var walk = Files.walk(target)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (DirectoryNotEmptyException e) {
                throw new IOException("could not replace directory " + target, e);
            }
        }
    }

    /** Describes a tar entry whose name was already normalized with {@link EntryPaths#normalize}. */
    public static LayerEntry toEntry(TarArchiveEntry te, String path) throws UnsafeArchiveException {
        Map<String, byte[]> xattrs = new HashMap<>();
        for (Map.Entry<String, String> h : te.getExtraPaxHeaders().entrySet()) {
            if (h.getKey().startsWith("SCHILY.xattr.")) {
                xattrs.put(h.getKey().substring("SCHILY.xattr.".length()), h.getValue().getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        String name = path.contains("/") ? path.substring(path.lastIndexOf('/') + 1) : path;
        String parent = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
        long mtime = te.getModTime().getTime();
        int mode = te.getMode();
        if (name.equals(OPAQUE_NAME)) {
            return new LayerEntry(parent, EntryKind.OPAQUE, 0, 0, 0, mtime, 0, "", 0, 0, Map.of());
        }
        if (name.startsWith(WHITEOUT_PREFIX)) {
            String hidden = name.substring(WHITEOUT_PREFIX.length());
            if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
                throw new UnsafeArchiveException(te.getName(), "invalid whiteout");
            }
            return new LayerEntry(parent.isEmpty() ? hidden : parent + "/" + hidden, EntryKind.WHITEOUT, 0, 0, 0,
                    mtime, 0, "", 0, 0, Map.of());
        }
        if (path.isEmpty() && !te.isDirectory()) {
            throw new UnsafeArchiveException(te.getName(), "the layer root must be a directory");
        }
        EntryKind kind;
        String link = "";
        long size = 0;
        if (te.isDirectory()) {
            kind = EntryKind.DIR;
        } else if (te.isSymbolicLink()) {
            kind = EntryKind.SYMLINK;
            link = te.getLinkName();
            if (link.isEmpty()) {
                throw new UnsafeArchiveException(te.getName(), "symlink without target");
            }
        } else if (te.isLink()) {
            kind = EntryKind.HARDLINK;
            String raw = te.getLinkName();
            if (raw.startsWith("/")) {
                throw new UnsafeArchiveException(te.getName(), "hard link to the absolute path '" + raw + "'");
            }
            link = EntryPaths.normalize(raw);
        } else if (te.isCharacterDevice()) {
            kind = EntryKind.CHAR_DEVICE;
        } else if (te.isBlockDevice()) {
            kind = EntryKind.BLOCK_DEVICE;
        } else if (te.isFIFO()) {
            kind = EntryKind.FIFO;
        } else if (te.isFile()) {
            kind = EntryKind.FILE;
            size = te.getSize();
        } else {
            throw new UnsafeArchiveException(te.getName(), "unsupported tar entry type '" + (char) te.getLinkFlag() + "'");
        }
        return new LayerEntry(path, kind, mode, te.getLongUserId(), te.getLongGroupId(), mtime, size, link,
                te.getDevMajor(), te.getDevMinor(), xattrs);
    }
}
