package dev.cairn.projection;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriterTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final Instant NOW = Instant.parse("2026-01-31T12:00:00Z");

    @TempDir
    Path tmp;
    Path target;
    AtomicWriter writer;

    @BeforeEach
    void setUp() {
        target = tmp.resolve("target");
        writer = new AtomicWriter(target, Clock.fixed(NOW, ZoneOffset.UTC), new Random(42), false);
    }

    static Map<String, PayloadFile> payload(String... pathsAndContents) {
        Map<String, PayloadFile> m = new TreeMap<>();
        for (int i = 0; i < pathsAndContents.length; i += 2) {
            m.put(pathsAndContents[i], PayloadFile.ofUtf8(pathsAndContents[i + 1]));
        }
        return m;
    }

    /** Names of the timestamped directories in the target, sorted. */
    List<String> timestampedDirs() throws IOException {
        try (Stream<Path> s = Files.list(target)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d+")).sorted().toList();
        }
    }

    /** Visible (non-..) entries of the target, sorted. */
    List<String> visible() throws IOException {
        try (Stream<Path> s = Files.list(target)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("..")).sorted().toList();
        }
    }

    String dataDir() throws IOException {
        return Files.readSymbolicLink(target.resolve("..data")).toString();
    }

    String read(String path) throws IOException {
        return Files.readString(target.resolve(path));
    }

    static int modeOf(Path p) throws IOException {
        return AtomicWriter.mode(Files.getPosixFilePermissions(p));
    }

    @Nested
    class FirstWrite {
        @Test
        void layoutIsVisibleSymlinksIntoDataWhichPointsAtATimestampedDir() throws IOException {
            assertTrue(writer.write(payload("podName", "pod-1", "user/labels", "a=b", "k8s/deep/annotations", "x=y")));

            assertEquals(List.of("k8s", "podName", "user"), visible());
            assertEquals(Path.of("..data/podName"), Files.readSymbolicLink(target.resolve("podName")));
            assertEquals(Path.of("..data/user"), Files.readSymbolicLink(target.resolve("user")));
            assertEquals(Path.of("..data/k8s"), Files.readSymbolicLink(target.resolve("k8s")));
            String ts = dataDir();
            assertTrue(ts.startsWith("..2026_01_31_12_00_00."), ts);
            assertEquals(List.of(ts), timestampedDirs());
            assertTrue(Files.isDirectory(target.resolve(ts), NOFOLLOW));
            assertFalse(Files.exists(target.resolve("..data_tmp"), NOFOLLOW));

            assertEquals("pod-1", read("podName"));
            assertEquals("a=b", read("user/labels"));
            assertEquals("x=y", read("k8s/deep/annotations"));
            // the real files live in the timestamped directory, with dirs 0755
            assertTrue(Files.isRegularFile(target.resolve(ts).resolve("k8s/deep/annotations"), NOFOLLOW));
            assertEquals(0755, modeOf(target.resolve(ts)));
            assertEquals(0755, modeOf(target.resolve(ts).resolve("k8s")));
            assertEquals(0755, modeOf(target.resolve(ts).resolve("k8s/deep")));
            assertEquals(0644, modeOf(target.resolve(ts).resolve("podName")));
        }

        @Test
        void pathsAreCleaned() throws IOException {
            writer.write(payload("./a//b/./c", "1"));
            assertEquals("1", read("a/b/c"));
            assertEquals(List.of("a"), visible());
        }

        @Test
        void emptyPayloadPublishesAnEmptyDataDir() throws IOException {
            assertTrue(writer.write(Map.of()));
            assertEquals(List.of(), visible());
            assertEquals(List.of(dataDir()), timestampedDirs());
            assertFalse(writer.write(Map.of()));
        }
    }

    @Nested
    class Updates {
        @Test
        void addChangeAndRemoveFilesAndNestedDirs() throws IOException {
            writer.write(payload("a", "1", "dir/x", "x1", "dir/sub/y", "y1", "gone/z", "z1", "keep", "k"));
            String first = dataDir();

            assertTrue(writer.write(payload("a", "2", "dir/x", "x1", "new/deep/w", "w1", "keep", "k")));

            String second = dataDir();
            assertNotEquals(first, second);
            assertEquals(List.of(second), timestampedDirs(), "the old timestamped dir is removed");
            assertEquals(List.of("a", "dir", "keep", "new"), visible(), "the visible link of gone/ is removed");
            assertEquals("2", read("a"));
            assertEquals("x1", read("dir/x"));
            assertEquals("w1", read("new/deep/w"));
            assertEquals("k", read("keep"));
            assertFalse(Files.exists(target.resolve("dir/sub")), "the now-empty nested dir is gone");
            assertFalse(Files.exists(target.resolve("gone"), NOFOLLOW));
        }

        @Test
        void removingOnlyAFileStillPublishesANewVersion() throws IOException {
            writer.write(payload("a", "1", "b", "2"));
            String first = dataDir();
            assertTrue(writer.write(payload("a", "1")));
            assertNotEquals(first, dataDir());
            assertEquals(List.of("a"), visible());
        }

        @Test
        void fileBecomesDirectoryAndBack() throws IOException {
            writer.write(payload("a", "file"));
            writer.write(payload("a/b", "nested"));
            assertEquals("nested", read("a/b"));
            writer.write(payload("a", "file again"));
            assertEquals("file again", read("a"));
            assertEquals(List.of("a"), visible());
        }

        @Test
        void noOpUpdateCreatesNoNewDir() throws IOException {
            Map<String, PayloadFile> p = payload("a", "1", "d/b", "2");
            assertTrue(writer.write(p));
            String ts = dataDir();
            Instant mtime = Files.getLastModifiedTime(target.resolve(ts)).toInstant();

            assertFalse(writer.write(p));
            assertFalse(writer.write(payload("./a", "1", "d//b", "2")), "equal after cleaning");

            assertEquals(ts, dataDir());
            assertEquals(List.of(ts), timestampedDirs());
            assertEquals(mtime, Files.getLastModifiedTime(target.resolve(ts)).toInstant());
        }

        @Test
        void noOpUpdateRecreatesAMissingVisibleLinkWithoutANewDir() throws IOException {
            writer.write(payload("a", "1", "b", "2"));
            String ts = dataDir();
            Files.delete(target.resolve("b"));

            assertTrue(writer.write(payload("a", "1", "b", "2")));

            assertEquals(ts, dataDir());
            assertEquals("2", read("b"));
        }

        @Test
        void danglingVisibleLinkLeftByACrashIsRemoved() throws IOException {
            writer.write(payload("a", "1"));
            // as if a crash came between the rename of ..data and the removal of old visible paths
            Files.createSymbolicLink(target.resolve("old"), Path.of("..data/old"));
            assertTrue(writer.write(payload("a", "1")));
            assertEquals(List.of("a"), visible());
        }

        @Test
        void userFileInTheTargetIsNeverRemoved() throws IOException {
            writer.write(payload("a", "1"));
            Files.writeString(target.resolve("mine"), "user data");
            writer.write(payload("b", "2"));
            assertEquals("user data", read("mine"));
            assertEquals(List.of("b", "mine"), visible());
        }

        @Test
        void invalidPayloadWritesNothing() throws IOException {
            writer.write(payload("a", "1"));
            String ts = dataDir();
            assertThrows(InvalidPayloadException.class, () -> writer.write(payload("a", "2", "../escape", "x")));
            assertThrows(InvalidPayloadException.class, () -> writer.write(payload("a", "2", "..data", "x")));
            assertEquals(ts, dataDir());
            assertEquals(List.of(ts), timestampedDirs());
            assertEquals("1", read("a"));
            assertFalse(Files.exists(tmp.resolve("escape")));
        }

        @Test
        void refusesATargetWhoseDataIsNotASymlink() throws IOException {
            Files.createDirectories(target.resolve("..data"));
            IOException e = assertThrows(IOException.class, () -> writer.write(payload("a", "1")));
            assertTrue(e.getMessage().contains("not a symlink"), e.getMessage());
        }
    }

    @Nested
    class Writers {
        @Test
        void durableWriteFsyncsAndProjects() throws IOException {
            AtomicWriter durable = new AtomicWriter(target, Clock.systemUTC(), new Random(1), true);
            assertTrue(durable.write(payload("a", "1", "d/e/f", "2")));
            assertTrue(durable.write(payload("a", "3")));
            assertEquals("3", read("a"));
            assertEquals(List.of("a"), visible());
        }

        @Test
        @Timeout(60)
        void concurrentWritersOnOneTargetAreSerialised() throws Exception {
            // two writer instances, as two threads of a host (or two processes) would have
            AtomicWriter one = new AtomicWriter(target);
            AtomicWriter two = new AtomicWriter(target);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (AtomicWriter w : List.of(one, two)) {
                String name = w == one ? "one" : "two";
                threads.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < 100; i++) {
                            w.write(payload("who", name, name + "/n", Integer.toString(i)));
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("a writer failed", failure.get());
            }
            String last = read("who");
            assertEquals(List.of(last, "who"), visible(), "exactly the last payload is visible");
            assertEquals("99", read(last + "/n"));
            assertEquals(List.of(dataDir()), timestampedDirs());
        }

        @Test
        void dataTmpThatIsARealDirectoryIsRefusedNotDeleted() throws IOException {
            writer.write(payload("a", "1"));
            Path odd = Files.createDirectory(target.resolve("..data_tmp"));
            IOException e = assertThrows(IOException.class, () -> writer.write(payload("a", "2")));
            assertTrue(e.getMessage().contains("not a symlink"), e.getMessage());
            assertTrue(Files.isDirectory(odd));
            assertEquals("1", read("a"));
        }
    }

    @Nested
    class Modes {
        @Test
        void modesAreExactRegardlessOfUmask() throws IOException {
            // Precondition: the process umask strips group/other write (as the usual 022 does), so a file created
            // with 0666 comes out 0644 unless the writer chmods it.
            Path probe = Files.createFile(tmp.resolve("probe"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-")));
            assumeTrue(modeOf(probe) != 0666, "umask is 0: nothing to defeat");

            Map<String, PayloadFile> p = new TreeMap<>();
            p.put("world", PayloadFile.ofUtf8("w", 0666));
            p.put("exec", PayloadFile.ofUtf8("#!/bin/sh", 0777));
            p.put("secret", PayloadFile.ofUtf8("s", 0400));
            p.put("none", PayloadFile.ofUtf8("n", 0));
            p.put("d/group", PayloadFile.ofUtf8("g", 0660));
            writer.write(p);

            assertEquals(0666, modeOf(target.resolve("world")));
            assertEquals(0777, modeOf(target.resolve("exec")));
            assertEquals(0400, modeOf(target.resolve("secret")));
            assertEquals(0, modeOf(target.resolve("none")));
            assertEquals(0660, modeOf(target.resolve("d/group")));
            assertEquals(0755, modeOf(target.resolve("..data/d")));
        }

        @Test
        void ownerIsApplied() throws IOException {
            assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
            writer.write(Map.of("owned", PayloadFile.ofUtf8("o").withOwner(1234, 5678)));
            assertEquals(1234, Files.getAttribute(target.resolve("owned"), "unix:uid"));
            assertEquals(5678, Files.getAttribute(target.resolve("owned"), "unix:gid"));
            // an owner-only change is a change too
            assertTrue(writer.write(Map.of("owned", PayloadFile.ofUtf8("o").withOwner(1234, 4321))));
            assertEquals(4321, Files.getAttribute(target.resolve("owned"), "unix:gid"));
            assertFalse(writer.write(Map.of("owned", PayloadFile.ofUtf8("o").withOwner(1234, 4321))));
        }
    }

    @Nested
    class SetPermsHook {
        @Test
        void calledOnTheNewDirBeforeItIsPublished() throws IOException {
            writer.write(payload("a", "1"));
            String before = dataDir();
            AtomicReference<Path> seen = new AtomicReference<>();
            AtomicReference<String> dataDuringHook = new AtomicReference<>();
            assertTrue(writer.write(payload("a", "2"), dir -> {
                seen.set(dir);
                dataDuringHook.set(dataDir());
                Files.setPosixFilePermissions(dir.resolve("a"), PosixFilePermissions.fromString("r--------"));
            }));
            assertEquals(target.resolve(dataDir()), seen.get());
            assertEquals(before, dataDuringHook.get(), "not yet published while the hook runs");
            assertEquals(0400, modeOf(target.resolve("a")));
        }

        @Test
        void notCalledOnANoOp() throws IOException {
            writer.write(payload("a", "1"));
            AtomicInteger calls = new AtomicInteger();
            assertFalse(writer.write(payload("a", "1"), dir -> calls.incrementAndGet()));
            assertEquals(0, calls.get());
        }
    }

    /** The four gaps of upstream's AtomicWriter, each closed here. */
    @Nested
    class ClosedUpstreamGaps {
        @Test
        void staleDataTmpFromACrashDoesNotBlockLaterWrites() throws IOException {
            writer.write(payload("a", "1"));
            // a crash between symlink(..data_tmp) and rename: upstream fails with EEXIST on every later write
            Path orphan = Files.createDirectory(target.resolve("..2025_12_31_23_59_59.777"));
            Files.writeString(orphan.resolve("a"), "half");
            Files.createSymbolicLink(target.resolve("..data_tmp"), orphan.getFileName());

            assertTrue(writer.write(payload("a", "2")));

            assertEquals("2", read("a"));
            assertFalse(Files.exists(target.resolve("..data_tmp"), NOFOLLOW));
            assertEquals(List.of(dataDir()), timestampedDirs());
        }

        @Test
        void orphanedTimestampedDirsAreSweptEvenByANoOpWrite() throws IOException {
            writer.write(payload("a", "1"));
            String ts = dataDir();
            Path orphan = Files.createDirectories(target.resolve("..2025_01_01_00_00_00.1/deep"));
            Files.writeString(orphan.resolve("f"), "left by a crash");
            Path notOurs = Files.createDirectory(target.resolve("..not_a_timestamp"));

            assertFalse(writer.write(payload("a", "1")));

            assertEquals(List.of(ts), timestampedDirs());
            assertTrue(Files.isDirectory(notOurs), "only names the writer makes are swept");
        }

        @Test
        void failedWriteLeavesNoOrphanAndKeepsThePreviousVersion() throws IOException {
            writer.write(payload("a", "1"));
            String ts = dataDir();

            IOException e = assertThrows(IOException.class,
                    () -> writer.write(payload("a", "2"), dir -> {
                        throw new IOException("hook failed");
                    }));

            assertEquals("hook failed", e.getMessage());
            assertEquals(ts, dataDir());
            assertEquals(List.of(ts), timestampedDirs());
            assertFalse(Files.exists(target.resolve("..data_tmp"), NOFOLLOW));
            assertEquals("1", read("a"));
        }

        @Test
        void modeOnlyChangeIsApplied() throws IOException {
            writer.write(Map.of("key", PayloadFile.ofUtf8("same bytes", 0644)));
            String ts = dataDir();

            assertTrue(writer.write(Map.of("key", PayloadFile.ofUtf8("same bytes", 0600))));

            assertNotEquals(ts, dataDir());
            assertEquals(0600, modeOf(target.resolve("key")));
            assertEquals("same bytes", read("key"));
        }

        @Test
        void pathCleaningIntoTheReservedNamespaceIsRefused() throws IOException {
            writer.write(payload("a", "1"));
            String ts = dataDir();
            assertThrows(InvalidPayloadException.class, () -> writer.write(payload("a", "1", "./..data", "evil")));
            assertThrows(InvalidPayloadException.class, () -> writer.write(payload("./..foo", "x")));
            assertEquals(ts, dataDir());
            assertEquals(List.of(ts, "..data", "..lock"), reserved());
        }

        List<String> reserved() throws IOException {
            try (Stream<Path> s = Files.list(target)) {
                return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("..")).sorted().toList();
            }
        }
    }

    /**
     * A reader going through the visible paths during 1,000 updates: every file it opens is whole and of one version,
     * and every snapshot (one resolution of ..data via a visible path, then all files relative to it) is one version.
     */
    @Nested
    class Consistency {
        static final String[] FILES = {"version", "a.txt", "sub/b.txt", "sub/deep/c.txt", "z/d.txt"};
        static final int UPDATES = 1000;

        Map<String, PayloadFile> version(int v) {
            Map<String, PayloadFile> m = new TreeMap<>();
            m.put("version", PayloadFile.ofUtf8(Integer.toString(v)));
            for (int i = 1; i < FILES.length; i++) {
                m.put(FILES[i], PayloadFile.ofUtf8(body(v, i)));
            }
            return m;
        }

        /** Some KiB of lines naming the version, so a torn or mixed file shows. */
        static String body(int v, int i) {
            return ("v" + v + " file " + i + "\n").repeat(200 + 37 * i + (v % 7));
        }

        @Test
        @Timeout(60)
        void readerNeverSeesAMixOfTwoVersions() throws Exception {
            AtomicWriter w = new AtomicWriter(target);
            w.write(version(0));
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger snapshots = new AtomicInteger();
            AtomicInteger retiredWhileReading = new AtomicInteger();
            AtomicInteger fileReads = new AtomicInteger();

            Thread snapshotReader = new Thread(() -> {
                try {
                    int last = 0;
                    while (!done.get()) {
                        try {
                            // one resolution of ..data through a visible path (realpath(3) walks component by
                            // component, so it too can meet the old dir just as it is removed: then resolve again) ...
                            Path dir = target.resolve("version").toRealPath().getParent();
                            int v = Integer.parseInt(Files.readString(dir.resolve("version")));
                            // ... then every file of that version relative to it
                            for (int i = 1; i < FILES.length; i++) {
                                String content = Files.readString(dir.resolve(FILES[i]), UTF_8);
                                if (!content.equals(body(v, i))) {
                                    throw new AssertionError("version " + v + " has " + FILES[i] + " starting "
                                            + content.substring(0, Math.min(30, content.length())));
                                }
                            }
                            if (v < last) {
                                throw new AssertionError("went back from version " + last + " to " + v);
                            }
                            last = v;
                            snapshots.incrementAndGet();
                        } catch (NoSuchFileException e) {
                            retiredWhileReading.incrementAndGet(); // the version was replaced: resolve again
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            Thread visibleReader = new Thread(() -> {
                try {
                    while (!done.get()) {
                        for (int i = 1; i < FILES.length; i++) {
                            String content;
                            try {
                                content = Files.readString(target.resolve(FILES[i]), UTF_8);
                            } catch (NoSuchFileException e) {
                                // path lookup walked into the old dir just as it was removed; never a partial file
                                continue;
                            }
                            int space = content.indexOf(' ');
                            if (!content.startsWith("v") || space < 0) {
                                throw new AssertionError(FILES[i] + " is torn: " + content.length() + " chars");
                            }
                            int v = Integer.parseInt(content.substring(1, space));
                            if (!content.equals(body(v, i))) {
                                throw new AssertionError(FILES[i] + " is torn or mixed at version " + v);
                            }
                            fileReads.incrementAndGet();
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            snapshotReader.start();
            visibleReader.start();
            try {
                for (int v = 1; v <= UPDATES && failure.get() == null; v++) {
                    assertTrue(w.write(version(v)));
                }
            } finally {
                done.set(true);
                snapshotReader.join();
                visibleReader.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("reader saw an inconsistent projection", failure.get());
            }
            assertTrue(snapshots.get() > 0, "the snapshot reader checked something");
            assertTrue(fileReads.get() > 0, "the visible reader checked something");
            assertEquals(Integer.toString(UPDATES), read("version"));
            assertEquals(1, timestampedDirs().size());
            List<String> summary = new ArrayList<>(List.of("snapshots=" + snapshots, "retired="
                    + retiredWhileReading, "fileReads=" + fileReads));
            System.out.println("consistency: " + summary);
        }
    }
}
