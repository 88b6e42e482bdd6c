package dev.cairn.layerfs;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Builds layer tarballs in tests (commons-compress, PAX headers for long names and xattrs). */
public final class TestTar {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes);

    private TestTar() {
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    public static TestTar create() {
        return new TestTar();
    }

    public TestTar dir(String name) {
        return dir(name, 0755);
    }

    public TestTar dir(String name, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
        e.setMode(mode);
        return put(e, null);
    }

    public TestTar file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8), 0644, Map.of());
    }

    public TestTar file(String name, byte[] content, int mode, Map<String, String> xattrs) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(mode);
        e.setSize(content.length);
        e.setUserId(1000);
        e.setGroupId(1000);
        xattrs.forEach((k, v) -> e.addPaxHeader("SCHILY.xattr." + k, v));
        return put(e, content);
    }

    public TestTar symlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        e.setMode(0777);
        return put(e, null);
    }

    public TestTar hardlink(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
        e.setLinkName(target);
        return put(e, null);
    }

    public TestTar fifo(String name) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_FIFO);
        e.setMode(0644);
        return put(e, null);
    }

    public TestTar charDevice(String name, int major, int minor) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_CHR);
        e.setMode(0666);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        return put(e, null);
    }

    public TestTar whiteout(String path) {
        int slash = path.lastIndexOf('/');
        String name = slash < 0 ? ".wh." + path : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
        return file(name, new byte[0], 0, Map.of());
    }

    public TestTar opaque(String dir) {
        return file(dir + "/.wh..wh..opq", new byte[0], 0, Map.of());
    }

    /** An entry with an arbitrary raw name (for traversal attacks). */
    public TestTar raw(TarArchiveEntry e, byte[] content) {
        return put(e, content);
    }

    private TestTar put(TarArchiveEntry e, byte[] content) {
        try {
            e.setModTime(1_700_000_000_000L);
            tar.putArchiveEntry(e);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
            return this;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public byte[] tar() {
        try {
            tar.finish();
            tar.close();
            return bytes.toByteArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public byte[] tarGz() {
        byte[] t = tar();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out)) {
            gz.write(t);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    public static Path write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
            return file;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
