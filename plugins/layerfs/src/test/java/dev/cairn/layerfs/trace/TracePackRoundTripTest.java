package dev.cairn.layerfs.trace;

import dev.cairn.layerfs.FuseMount;
import dev.cairn.layerfs.TestTar;
import dev.cairn.layerfs.archive.LayerExtractor;
import dev.cairn.layerfs.store.LayerStore;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TracePackRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void traceOptimizePackPutsTheWorkloadsFilesFirst() throws Exception {
        FuseMount.assumeFuse();
        TestTar t = TestTar.create().dir("app");
        byte[] filler = new byte[64 * 1024];
        for (int i = 0; i < 40; i++) {
            t.file("app/f" + String.format("%02d", i), filler, 0644, Map.of());
        }
        byte[] tar = t.tar();
        Path layerFile = TestTar.write(tmp.resolve("layer.tar"), tar);
        LayerStore store = new LayerStore(tmp.resolve("store"));
        String digest = store.importLayer(new ByteArrayInputStream(tar), null).digest();

        Path trace = tmp.resolve("run1.trace");
        try (TraceFile tracer = TraceFile.create(trace);
             FuseMount m = FuseMount.mount(tmp.resolve("mnt"), List.of(store.open(digest)), tmp.resolve("rw"),
                     Duration.ofSeconds(5), tracer)) {
            // the workload reads three files near the end of the tar, in this order
            for (String f : List.of("app/f37", "app/f30", "app/f39")) {
                Files.readAllBytes(m.path(f));
            }
        }
        List<TraceRecord> records = TraceFile.read(trace);
        assertEquals(List.of("app/f37", "app/f30", "app/f39"), records.stream().map(TraceRecord::path).toList());
        assertTrue(records.get(0).sinceMountMicros() <= records.get(1).sinceMountMicros());

        Ranking ranking = Ranking.merge("demo", List.of(records));
        Path packed = tmp.resolve("packed.tar");
        LayerPacker.Packed p = LayerPacker.pack(layerFile, ranking, packed, false);
        assertEquals(3, p.ranked());
        assertEquals("demo", LayerPacker.rankingOf(packed));
        List<String> order = entryOrder(Files.readAllBytes(packed));
        assertEquals(List.of(LayerExtractor.TOC_NAME, "app/", "app/f37", "app/f30", "app/f39", "app/f00"), order.subList(0, 6));
        assertEquals(41 + 1, order.size(), "nothing lost");

        Set<String> needed = Set.of("app/f37", "app/f30", "app/f39");
        long before = bytesUntil(Files.readAllBytes(layerFile), needed);
        long after = bytesUntil(Files.readAllBytes(packed), needed);
        System.out.printf("bytes to arrive before the workload's files are whole: default order %d, packed %d (%.1fx less)%n",
                before, after, (double) before / after);
        assertTrue(after * 5 < before, "packed stream makes the workload's files arrive far sooner");
    }

    static List<String> entryOrder(byte[] tar) throws IOException {
        List<String> names = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
            }
        }
        return names;
    }

    /** How many bytes of the stream must arrive before every needed file is complete. */
    static long bytesUntil(byte[] tar, Set<String> needed) throws IOException {
        Map<String, Long> done = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
                done.put(e.getName(), in.getBytesRead());
                if (done.keySet().containsAll(needed)) {
                    return in.getBytesRead();
                }
            }
        }
        throw new AssertionError("not all needed files in the stream");
    }
}
