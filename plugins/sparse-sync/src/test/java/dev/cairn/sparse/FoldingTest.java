package dev.cairn.sparse;

import dev.cairn.spi.io.FileIoProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Arrays;
import java.util.Set;

import static dev.cairn.sparse.SparseFiles.K4;
import static dev.cairn.sparse.SparseFiles.intervals;
import static dev.cairn.sparse.SparseFiles.layout;
import static dev.cairn.spi.io.Interval.Kind.DATA;
import static dev.cairn.spi.io.Interval.Kind.HOLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FoldingTest {
    private Path dir;
    private Path parent;
    private Path child;

    @BeforeEach
    void setUp() throws IOException {
        dir = SparseFiles.tempDir();
        // parent: data in blocks 0-3 and 8-9 of 12; child: data in blocks 2-5 and 10.
        parent = SparseFiles.create(dir.resolve("parent.img"), 12 * K4, 1, 0, 4 * K4, 8 * K4, 2 * K4);
        child = SparseFiles.create(dir.resolve("child.img"), 12 * K4, 2, 2 * K4, 4 * K4, 10 * K4, K4);
    }

    @AfterEach
    void tearDown() throws IOException {
        SparseFiles.delete(dir);
    }

    private static Progress progress(long total) {
        return new Progress("t", total, Clock.systemUTC(), new PrintStream(new ByteArrayOutputStream()), false);
    }

    private static byte[] block(Path f, int index) throws IOException {
        byte[] all = Files.readAllBytes(f);
        return Arrays.copyOfRange(all, index * K4, (index + 1) * K4);
    }

    @Test
    void foldCopiesChildDataAndKeepsParentUnderChildHoles() throws IOException {
        byte[] parentBlock0 = block(parent, 0);
        byte[] parentBlock8 = block(parent, 8);
        byte[] childBlock3 = block(child, 3);
        byte[] childBlock10 = block(child, 10);
        Progress p = progress(12 * K4);
        long copied;
        try (FileIoProcessor c = SparseFiles.IO.open(child, Set.of(StandardOpenOption.READ));
             FileIoProcessor par = SparseFiles.IO.open(parent, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE))) {
            copied = Folding.fold(c, par, p);
        }
        assertEquals(5 * K4, copied);
        assertEquals(12 * K4, p.scanned());
        assertEquals(5 * K4, p.sent());
        assertEquals(intervals(0, 6 * K4, DATA, 6 * K4, 2 * K4, HOLE, 8 * K4, 3 * K4, DATA, 11 * K4, K4, HOLE),
                layout(parent));
        assertArrayEquals(parentBlock0, block(parent, 0));
        assertArrayEquals(childBlock3, block(parent, 3));
        assertArrayEquals(parentBlock8, block(parent, 8));
        assertArrayEquals(childBlock10, block(parent, 10));
    }

    @Test
    void foldGrowsAShorterParent() throws IOException {
        Path small = SparseFiles.create(dir.resolve("small.img"), 2 * K4, 3, 0, K4);
        try (FileIoProcessor c = SparseFiles.IO.open(child, Set.of(StandardOpenOption.READ));
             FileIoProcessor par = SparseFiles.IO.open(small, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE))) {
            Folding.fold(c, par, progress(12 * K4));
        }
        assertEquals(12 * K4, Files.size(small));
        assertEquals(intervals(0, K4, DATA, K4, K4, HOLE, 2 * K4, 4 * K4, DATA, 6 * K4, 4 * K4, HOLE, 10 * K4, K4, DATA,
                11 * K4, K4, HOLE), layout(small));
    }

    @Test
    void prunePunchesTheParentWhereTheChildHasData() throws IOException {
        byte[] parentBlock1 = block(parent, 1);
        Progress p = progress(12 * K4);
        long punched;
        try (FileIoProcessor par = SparseFiles.IO.open(parent, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
             FileIoProcessor c = SparseFiles.IO.open(child, Set.of(StandardOpenOption.READ))) {
            punched = Folding.prune(par, c, p);
        }
        assertEquals(5 * K4, punched);
        assertEquals(12 * K4, Files.size(parent), "size kept");
        assertEquals(intervals(0, 2 * K4, DATA, 2 * K4, 6 * K4, HOLE, 8 * K4, 2 * K4, DATA, 10 * K4, 2 * K4, HOLE),
                layout(parent));
        assertArrayEquals(parentBlock1, block(parent, 1));
        assertArrayEquals(new byte[K4], block(parent, 3));
        assertEquals(12 * K4, p.scanned());
    }

    @Test
    void pruneIgnoresChildDataBeyondTheParent() throws IOException {
        Path small = SparseFiles.create(dir.resolve("small.img"), 3 * K4, 3, 0, 3 * K4);
        try (FileIoProcessor par = SparseFiles.IO.open(small, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
             FileIoProcessor c = SparseFiles.IO.open(child, Set.of(StandardOpenOption.READ))) {
            assertEquals(K4, Folding.prune(par, c, progress(12 * K4)));
        }
        assertEquals(3 * K4, Files.size(small));
        assertEquals(intervals(0, 2 * K4, DATA, 2 * K4, K4, HOLE), layout(small));
    }
}
