package dev.cairn.layerfs.trace;

import dev.cairn.layerfs.archive.EntryKind;
import dev.cairn.layerfs.archive.EntryPaths;
import dev.cairn.layerfs.archive.IndexCodec;
import dev.cairn.layerfs.archive.LayerEntry;
import dev.cairn.layerfs.archive.LayerExtractor;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rewrites a layer stream so the files a workload needs first come first. The output starts with a table of contents
 * ({@link LayerExtractor#TOC_NAME}) listing every entry, so a mount knows the whole tree at once; then directories,
 * symlinks, whiteouts and devices; then regular files in ranking order (unranked ones keep their order); then hard
 * links. The ranking's group is recorded in the table of contents.
 */
public final class LayerPacker {
    private LayerPacker() {
    }

    /** What was written. */
    public record Packed(int entries, int ranked) {
    }

    /**
     * @param input a layer tar or tar.gz
     * @param ranking the order to use, or null to keep the input order (a table of contents is still added)
     * @param output where the packed layer goes (written to a temp file, then renamed)
     * @param gzip whether to gzip the output
     */
    public static Packed pack(Path input, Ranking ranking, Path output, boolean gzip) throws IOException {
        Path plain = Files.createTempFile(output.toAbsolutePath().getParent(), ".pack-in-", ".tar");
        Path tmp = output.resolveSibling(output.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
        try {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(input))) {
                in.mark(2);
                int b1 = in.read();
                int b2 = in.read();
                in.reset();
                InputStream src = b1 == 0x1f && b2 == 0x8b ? new GzipCompressorInputStream(in, true) : in;
                Files.copy(src, plain, StandardCopyOption.REPLACE_EXISTING);
            }
            Packed packed;
            try (TarFile tar = new TarFile(plain.toFile());
                 OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
                 OutputStream compressed = gzip ? new GzipCompressorOutputStream(raw) : raw) {
                packed = write(tar, ranking, compressed);
            }
            Files.move(tmp, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return packed;
        } finally {
            Files.deleteIfExists(plain);
            Files.deleteIfExists(tmp);
        }
    }

    private static Packed write(TarFile tar, Ranking ranking, OutputStream out) throws IOException {
        // the last entry of a path wins, as when extracting
        Map<String, TarArchiveEntry> byPath = new LinkedHashMap<>();
        Map<String, LayerEntry> described = new HashMap<>();
        for (TarArchiveEntry te : tar.getEntries()) {
            String path = EntryPaths.normalize(te.getName());
            if (path.equals(LayerExtractor.TOC_NAME)) {
                continue; // repacking a packed layer: a fresh table of contents is written
            }
            byPath.remove(path);
            byPath.put(path, te);
            described.put(path, LayerExtractor.toEntry(te, path));
        }
        List<String> meta = new ArrayList<>();
        List<String> files = new ArrayList<>();
        List<String> links = new ArrayList<>();
        for (String path : byPath.keySet()) {
            EntryKind kind = described.get(path).kind();
            (kind == EntryKind.FILE ? files : kind == EntryKind.HARDLINK ? links : meta).add(path);
        }
        List<String> orderedFiles = files;
        int ranked = 0;
        if (ranking != null) {
            Map<String, Integer> rank = new HashMap<>();
            for (int i = 0; i < ranking.paths().size(); i++) {
                rank.putIfAbsent(ranking.paths().get(i), i);
            }
            List<String> first = new ArrayList<>();
            List<String> rest = new ArrayList<>();
            for (String f : files) {
                (rank.containsKey(f) ? first : rest).add(f);
            }
            first.sort(java.util.Comparator.comparing(rank::get));
            ranked = first.size();
            orderedFiles = new ArrayList<>(first);
            orderedFiles.addAll(rest);
        }
        List<String> order = new ArrayList<>(meta);
        order.addAll(orderedFiles);
        order.addAll(links);

        TarArchiveOutputStream tout = new TarArchiveOutputStream(out);
        tout.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tout.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        StringWriter toc = new StringWriter();
        Map<String, String> comments = new TreeMap<>();
        if (ranking != null) {
            comments.put(LayerExtractor.RANKING_KEY, ranking.group());
        }
        IndexCodec.write(toc, order.stream().map(described::get).toList(), comments);
        byte[] tocBytes = toc.toString().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry tocEntry = new TarArchiveEntry(LayerExtractor.TOC_NAME);
        tocEntry.setSize(tocBytes.length);
        tocEntry.setMode(0444);
        tout.putArchiveEntry(tocEntry);
        tout.write(tocBytes);
        tout.closeArchiveEntry();
        for (String path : order) {
            TarArchiveEntry te = byPath.get(path);
            tout.putArchiveEntry(te);
            if (te.isFile() && te.getSize() > 0) {
                try (InputStream content = tar.getInputStream(te)) {
                    content.transferTo(tout);
                }
            }
            tout.closeArchiveEntry();
        }
        tout.finish();
        return new Packed(order.size(), ranked);
    }

    /** @return the ranking group recorded in a packed stream's table of contents, or null */
    public static String rankingOf(Path packed) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(packed))) {
            in.mark(2);
            int b1 = in.read();
            int b2 = in.read();
            in.reset();
            TarArchiveInputStream tar = new TarArchiveInputStream(b1 == 0x1f && b2 == 0x8b ? new GzipCompressorInputStream(in) : in);
            TarArchiveEntry first = tar.getNextEntry();
            if (first == null || !EntryPaths.normalize(first.getName()).equals(LayerExtractor.TOC_NAME)) {
                return null;
            }
            return IndexCodec.read(new java.io.InputStreamReader(tar, StandardCharsets.UTF_8)).comments().get(LayerExtractor.RANKING_KEY);
        }
    }
}
