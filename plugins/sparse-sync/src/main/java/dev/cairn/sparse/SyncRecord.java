package dev.cairn.sparse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Optional;

/**
 * The digest of a successfully synced file, kept in the extended attribute {@code user.cairn.sync} as
 * {@code <size>:<mtime ns>:<sha-256 hex>}. It is trusted only while size and modification time still match, and is
 * removed before any sync starts writing, so a sync that fails half-way never leaves a record behind.
 */
final class SyncRecord {
    static final String ATTRIBUTE = "cairn.sync";

    private SyncRecord() {
    }

    /** @return the recorded digest in hex, if present and still valid for the file's size and mtime */
    static Optional<String> read(Path file) throws IOException {
        UserDefinedFileAttributeView view = view(file);
        if (view == null || !list(view).contains(ATTRIBUTE)) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.allocate(view.size(ATTRIBUTE));
        view.read(ATTRIBUTE, buf);
        String[] parts = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).split(":");
        if (parts.length != 3 || !parts[0].equals(stamp(file)[0]) || !parts[1].equals(stamp(file)[1])) {
            return Optional.empty();
        }
        return Optional.of(parts[2]);
    }

    /** Records a digest for the file as it is now. */
    static void write(Path file, String hex) throws IOException {
        UserDefinedFileAttributeView view = view(file);
        if (view == null) {
            throw new IOException("cannot record the sync digest: no extended attributes on " + file);
        }
        String[] s = stamp(file);
        view.write(ATTRIBUTE, StandardCharsets.US_ASCII.encode(s[0] + ":" + s[1] + ":" + hex));
    }

    /** Removes any record; a missing one is fine. */
    static void clear(Path file) throws IOException {
        UserDefinedFileAttributeView view = view(file);
        if (view != null && Files.exists(file, LinkOption.NOFOLLOW_LINKS) && list(view).contains(ATTRIBUTE)) {
            view.delete(ATTRIBUTE);
        }
    }

    /** @return the attribute names; none where the file system has no user attributes (then nothing is recorded) */
    private static java.util.List<String> list(UserDefinedFileAttributeView view) throws IOException {
        try {
            return view.list();
        } catch (java.nio.file.FileSystemException e) {
            String reason = String.valueOf(e.getReason());
            if (reason.contains("not supported") || reason.contains("Operation not supported")) {
                return java.util.List.of();
            }
            throw e;
        }
    }

    private static String[] stamp(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long nanos = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        return new String[] {Long.toString(a.size()), Long.toString(nanos)};
    }

    private static UserDefinedFileAttributeView view(Path file) {
        return Files.getFileAttributeView(file, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    }
}
