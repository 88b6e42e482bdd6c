package dev.cairn.dir;

import dev.cairn.spi.dir.Directory;
import dev.cairn.spi.dir.DirectoryOpener;
import dev.cairn.spi.dir.FileAttributes;
import dev.cairn.spi.dir.OpenFlag;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LazyDirectoryTest {
    /** Opens a fresh counting directory per call and remembers them all. */
    static final class CountingOpener implements DirectoryOpener {
        final List<String> calls = new ArrayList<>();
        final List<CountingDirectory> opened = new ArrayList<>();

        @Override
        public Directory open() {
            CountingDirectory d = new CountingDirectory(calls);
            opened.add(d);
            return d;
        }
    }

    interface Call {
        void on(LazyDirectory lazy) throws IOException;
    }

    private static void assertForwardedOnce(Call call, String expected) throws IOException {
        CountingOpener opener = new CountingOpener();
        LazyDirectory lazy = new LazyDirectory(opener);
        call.on(lazy);
        assertEquals(List.of(expected), opener.calls);
        assertEquals(1, opener.opened.size(), "one open per call");
        assertEquals(1, opener.opened.get(0).closes, "closed exactly once after the call");
    }

    @Nested
    class Forwarding {
        @Test
        void everyMethodOpensForwardsOnceAndCloses() throws IOException {
            assertForwardedOnce(l -> l.enter("c").close(), "enter c");
            assertForwardedOnce(l -> assertEquals(7, l.lstat("f").inode()), "lstat f");
            assertForwardedOnce(l -> l.mkdir("d", 0750), "mkdir d 750");
            assertForwardedOnce(l -> l.open("f", Set.of(OpenFlag.READ), 0600), "open f [READ] 600");
            assertForwardedOnce(l -> assertEquals("a", l.readdir().get(0).name()), "readdir");
            assertForwardedOnce(l -> assertEquals("target", l.readlink("s")), "readlink s");
            assertForwardedOnce(l -> l.symlink("t", "s"), "symlink t s");
            assertForwardedOnce(l -> l.link("a", l, "b"), "link a b");
            assertForwardedOnce(l -> l.rename("a", l, "b"), "rename a b");
            assertForwardedOnce(l -> l.remove("f"), "remove f");
            assertForwardedOnce(l -> l.removeAll("d"), "removeAll d");
            assertForwardedOnce(l -> l.chtimes("f", FileTime.fromMillis(1000), FileTime.fromMillis(2000)),
                    "chtimes f 1000 2000");
            assertForwardedOnce(LazyDirectory::sync, "sync");
        }

        @Test
        void linkAndRenameToItselfUseTheDirectoryOpenedForTheCall() throws IOException {
            CountingOpener opener = new CountingOpener();
            LazyDirectory lazy = new LazyDirectory(opener);
            lazy.rename("a", lazy, "b");
            assertSame(opener.opened.get(0), opener.opened.get(0).lastNewDirectory);
            Directory other = new CountingDirectory(new ArrayList<>());
            lazy.link("a", other, "b");
            assertSame(other, opener.opened.get(1).lastNewDirectory);
        }

        @Test
        void holdsNothingBetweenCalls() throws IOException {
            CountingOpener opener = new CountingOpener();
            LazyDirectory lazy = new LazyDirectory(opener);
            assertEquals(0, opener.opened.size(), "constructing opens nothing");
            lazy.lstat("a");
            lazy.lstat("a");
            assertEquals(2, opener.opened.size(), "each call opens afresh");
            lazy.close();
            assertEquals(2, opener.opened.size());
        }

        @Test
        void failuresOfTheForwardedCallPassThroughAndStillClose() {
            List<CountingDirectory> opened = new ArrayList<>();
            LazyDirectory lazy = new LazyDirectory(() -> {
                CountingDirectory d = new CountingDirectory(new ArrayList<>()) {
                    @Override
                    public FileAttributes lstat(String name) throws NoSuchFileException {
                        throw new NoSuchFileException(name);
                    }
                };
                opened.add(d);
                return d;
            });
            assertThrows(NoSuchFileException.class, () -> lazy.lstat("missing"));
            assertEquals(1, opened.get(0).closes);
        }
    }

    @Nested
    class OpenerFailure {
        @Test
        void aMissingMountPointIsAnInternalErrorNotFileNotFound() {
            LazyDirectory lazy = new LazyDirectory(() -> {
                throw new NoSuchFileException("/worker/build");
            });
            IOException e = assertThrows(IOException.class, () -> lazy.lstat("input.c"));
            assertInstanceOf(UnderlyingDirectoryException.class, e);
            assertFalse(e instanceof NoSuchFileException);
            assertTrue(e.getMessage().startsWith("internal error: failed to open underlying directory: "), e.getMessage());
            assertTrue(e.getMessage().contains("/worker/build"), e.getMessage());
            assertInstanceOf(NoSuchFileException.class, e.getCause());
        }

        @Test
        void everyMethodMapsTheOpenerFailure() {
            LazyDirectory lazy = new LazyDirectory(() -> {
                throw new IOException("Transport endpoint is not connected");
            });
            List<Call> calls = List.of(l -> l.enter("c"), l -> l.lstat("f"), l -> l.mkdir("d", 0755),
                    l -> l.open("f", Set.of(OpenFlag.READ), 0), LazyDirectory::readdir, l -> l.readlink("s"),
                    l -> l.symlink("t", "s"), l -> l.link("a", l, "b"), l -> l.rename("a", l, "b"),
                    l -> l.remove("f"), l -> l.removeAll("d"),
                    l -> l.chtimes("f", FileTime.fromMillis(0), FileTime.fromMillis(0)), LazyDirectory::sync);
            for (Call c : calls) {
                UnderlyingDirectoryException e = assertThrows(UnderlyingDirectoryException.class, () -> c.on(lazy));
                assertTrue(e.getMessage().contains("Transport endpoint is not connected"));
            }
        }

        @Test
        void runtimeFailuresAndNullAreMappedToo() {
            assertThrows(UnderlyingDirectoryException.class,
                    () -> new LazyDirectory(() -> { throw new IllegalStateException("boom"); }).readdir());
            assertThrows(UnderlyingDirectoryException.class, () -> new LazyDirectory(() -> null).readdir());
        }
    }
}
