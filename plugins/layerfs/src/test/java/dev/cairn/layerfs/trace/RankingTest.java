package dev.cairn.layerfs.trace;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RankingTest {
    @TempDir
    Path tmp;

    @Test
    void mergesByEarliestFirstAccessWithTiesBrokenByPath() {
        List<TraceRecord> t1 = List.of(new TraceRecord("bin/sh", 10, 0), new TraceRecord("etc/z", 50, 0),
                new TraceRecord("etc/a", 50, 0), new TraceRecord("lib/c", 90, 5));
        List<TraceRecord> t2 = List.of(new TraceRecord("lib/c", 20, 0), new TraceRecord("usr/x", 50, 0));
        Ranking r = Ranking.merge("web", List.of(t1, t2));
        assertEquals(List.of("bin/sh", "lib/c", "etc/a", "etc/z", "usr/x"), r.paths());
    }

    @Test
    void theRankingDoesNotDependOnInputOrder() {
        List<TraceRecord> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            records.add(new TraceRecord("f" + (i % 37) + "/" + i, i % 5, 0)); // many ties
        }
        List<String> expected = Ranking.merge("g", List.of(records)).paths();
        for (long seed = 1; seed <= 20; seed++) {
            List<TraceRecord> shuffled = new ArrayList<>(records);
            Collections.shuffle(shuffled, new Random(seed));
            int cut = (int) (seed * 7 % shuffled.size());
            List<List<TraceRecord>> split = List.of(shuffled.subList(cut, shuffled.size()), shuffled.subList(0, cut));
            assertEquals(expected, Ranking.merge("g", split).paths(), "seed " + seed);
        }
    }

    @Test
    void roundTripsThroughItsFileAndTraceFilesToo() throws IOException {
        Path trace = tmp.resolve("t.trace");
        try (TraceFile tf = TraceFile.create(trace)) {
            tf.accessed("b", 2_000, 1_000);
            tf.accessed("a", 5_000, 0);
            tf.accessed("b", 9_000, 0); // only the first access counts
        }
        List<TraceRecord> read = TraceFile.read(trace);
        assertEquals(List.of(new TraceRecord("b", 2, 1), new TraceRecord("a", 5, 0)), read);
        Ranking r = Ranking.merge("grp", List.of(read));
        Path file = tmp.resolve("r/grp.ranking");
        r.write(file);
        assertEquals(r, Ranking.read(file));
    }

    @Test
    void rejectsMalformedFilesAndGroupNames() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad"), "not a trace\n");
        assertTrue(assertThrows(IOException.class, () -> TraceFile.read(bad)).getMessage().contains("not a layerfs trace"));
        assertThrows(IOException.class, () -> Ranking.read(bad));
        assertThrows(IllegalArgumentException.class, () -> new Ranking("../x", List.of()));
    }
}
