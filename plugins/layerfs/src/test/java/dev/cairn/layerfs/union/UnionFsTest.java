package dev.cairn.layerfs.union;

import dev.cairn.layerfs.FuseMount;
import dev.cairn.layerfs.TestTar;
import dev.cairn.layerfs.archive.LayerIndex;
import dev.cairn.layerfs.store.LayerStore;
import dev.cairn.layerfs.store.StoredLayer;
import dev.cairn.layerfs.trace.AccessTracer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnionFsTest {
    @TempDir
    Path tmp;
    LayerStore store;
    List<LayerIndex> lowers;
    Path rw;
    Path lowerRootfs;

    @BeforeEach
    void layers() throws IOException {
        FuseMount.assumeFuse();
        store = new LayerStore(tmp.resolve("store"));
        byte[] bottom = TestTar.create()
                .dir("etc").file("etc/passwd", "root").file("etc/hosts", "hosts1")
                .dir("bin").file("bin/run.sh", "#!/bin/sh\necho from-lower\n".getBytes(StandardCharsets.UTF_8), 0755, Map.of())
                .dir("data").file("data/a", "a1").file("data/b", "b1").dir("data/sub").file("data/sub/c", "c1")
                .dir("opq").file("opq/x", "x1").file("opq/y", "y1")
                .dir("gone").file("gone/z", "z")
                .file("link-target", "T").hardlink("hl", "link-target")
                .symlink("sym", "etc/hosts")
                .file("xf", "x".getBytes(StandardCharsets.UTF_8), 0640, Map.of("user.k", "v"))
                .fifo("fifo").charDevice("null", 1, 3)
                .file("ro", "read only".getBytes(StandardCharsets.UTF_8), 0444, Map.of())
                .tar();
        byte[] top = TestTar.create()
                .file("etc/hosts", "hosts2")
                .whiteout("data/b")
                .opaque("opq").file("opq/new", "n")
                .whiteout("gone")
                .tarGz();
        StoredLayer l1 = store.importLayer(new ByteArrayInputStream(bottom), null);
        StoredLayer l2 = store.importLayer(new ByteArrayInputStream(top), null);
        lowerRootfs = l1.rootfs();
        lowers = List.of(store.open(l2.digest()), store.open(l1.digest()));
        rw = tmp.resolve("rw");
    }

    FuseMount mount() throws IOException {
        return FuseMount.mount(tmp.resolve("mnt"), lowers, rw, Duration.ofSeconds(5), AccessTracer.NONE);
    }

    static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static long ino(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    @Nested
    class MergedView {
        @Test
        void upperWinsWhiteoutsAndOpaqueDirsApplyAndAreHidden() throws IOException {
            try (FuseMount m = mount()) {
                assertEquals("hosts2", Files.readString(m.path("etc/hosts")));
                assertEquals("root", Files.readString(m.path("etc/passwd")));
                assertEquals(List.of("a", "sub"), list(m.path("data")));
                assertFalse(Files.exists(m.path("data/b")));
                assertEquals(List.of("new"), list(m.path("opq")));
                assertFalse(Files.exists(m.path("opq/x")));
                assertFalse(Files.exists(m.path("gone")));
                assertFalse(Files.exists(m.path("gone/z")));
                assertEquals(List.of("bin", "data", "etc", "fifo", "hl", "link-target", "null", "opq", "ro", "sym", "xf"),
                        list(m.mountPoint));
                List<String> all = new ArrayList<>();
                try (Stream<Path> walk = Files.walk(m.mountPoint)) {
                    walk.forEach(p -> all.add(p.getFileName().toString()));
                }
                assertTrue(all.stream().noneMatch(n -> n.startsWith(".wh.")), all.toString());
            }
        }

        @Test
        void symlinksHardLinksXattrsSpecialFilesAndStatfs() throws IOException {
            try (FuseMount m = mount()) {
                assertEquals(Path.of("etc/hosts"), Files.readSymbolicLink(m.path("sym")));
                assertEquals("hosts2", Files.readString(m.path("sym")));
                assertEquals(ino(m.path("hl")), ino(m.path("link-target")));
                assertEquals(2, Files.getAttribute(m.path("hl"), "unix:nlink"));
                assertEquals("T", Files.readString(m.path("hl")));
                UserDefinedFileAttributeView x = Files.getFileAttributeView(m.path("xf"), UserDefinedFileAttributeView.class);
                assertEquals(List.of("k"), x.list());
                ByteBuffer v = ByteBuffer.allocate(16);
                x.read("k", v);
                assertEquals("v", new String(v.array(), 0, v.position(), StandardCharsets.UTF_8));
                int fifoMode = (Integer) Files.getAttribute(m.path("fifo"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
                assertEquals(0010000, fifoMode & 0170000);
                int nullMode = (Integer) Files.getAttribute(m.path("null"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
                assertEquals(0020000, nullMode & 0170000);
                assertEquals(0x103L, ((Number) Files.getAttribute(m.path("null"), "unix:rdev")).longValue());
                assertEquals(1000, Files.getAttribute(m.path("etc/passwd"), "unix:uid"));
                assertTrue(Files.getFileStore(m.mountPoint).getTotalSpace() > 0);
                assertTrue(Files.isExecutable(m.path("bin/run.sh")));
            }
        }

        @Test
        void inodeNumbersAreStableAndDistinct() throws IOException {
            try (FuseMount m = mount()) {
                long a = ino(m.path("data/a"));
                assertEquals(a, ino(m.path("data/a")));
                assertFalse(a == ino(m.path("etc/passwd")));
                Files.writeString(m.path("data/a"), "changed");
                assertEquals(a, ino(m.path("data/a")), "copy-up keeps the inode number");
            }
            try (FuseMount m = mount()) {
                assertEquals("changed", Files.readString(m.path("data/a")));
            }
        }
    }

    @Nested
    class CopyUp {
        @Test
        void writeCopiesUpParentsFirstAndLeavesTheLowerLayerAlone() throws IOException {
            try (FuseMount m = mount()) {
                Files.writeString(m.path("data/sub/c"), "+more", StandardOpenOption.APPEND);
                assertEquals("c1+more", Files.readString(m.path("data/sub/c")));
                assertEquals("c1", Files.readString(lowerRootfs.resolve("data/sub/c")));
                assertTrue(Files.isRegularFile(rw.resolve("upper/data/sub/c")));
                assertEquals(List.of(), list(rw.resolve("work")), "no temporary files left behind");
                assertEquals(1000, Files.getAttribute(m.path("data/sub/c"), "unix:uid"), "owner copied up");
            }
        }

        @Test
        void truncateChmodChownAndXattrCopyUp() throws IOException {
            try (FuseMount m = mount()) {
                try (var ch = Files.newByteChannel(m.path("etc/passwd"), StandardOpenOption.WRITE)) {
                    ch.truncate(2);
                }
                assertEquals("ro", Files.readString(m.path("etc/passwd")));
                Files.setPosixFilePermissions(m.path("data/a"), PosixFilePermissions.fromString("rwx------"));
                assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(m.path("data/a"))));
                assertEquals("a1", Files.readString(m.path("data/a")));
                Files.setAttribute(m.path("link-target"), "unix:uid", 4242);
                assertEquals(4242, Files.getAttribute(m.path("link-target"), "unix:uid"));
                UserDefinedFileAttributeView x = Files.getFileAttributeView(m.path("xf"), UserDefinedFileAttributeView.class);
                x.write("other", ByteBuffer.wrap("w".getBytes(StandardCharsets.UTF_8)));
                assertEquals(List.of("k", "other"), x.list().stream().sorted().toList(), "lower xattrs copied up too");
                for (String p : List.of("etc/passwd", "data/a", "link-target", "xf")) {
                    assertTrue(Files.exists(rw.resolve("upper").resolve(p), LinkOption.NOFOLLOW_LINKS), p);
                }
                assertEquals("root", Files.readString(lowerRootfs.resolve("etc/passwd")));
            }
        }

        @Test
        void renameOfLowerFilesAndDirectories() throws IOException {
            try (FuseMount m = mount()) {
                Files.move(m.path("ro"), m.path("ro2"));
                assertEquals("read only", Files.readString(m.path("ro2")));
                assertFalse(Files.exists(m.path("ro")));
                assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(m.path("ro2"))));
                Files.writeString(m.path("etc/new"), "tree changed");
                Files.move(m.path("etc/passwd"), m.path("etc/passwd.old"));
                assertEquals("root", Files.readString(m.path("etc/passwd.old")));
                Files.move(m.path("data"), m.path("moved"));
                assertEquals(List.of("a", "sub"), list(m.path("moved")));
                assertEquals("c1", Files.readString(m.path("moved/sub/c")));
                assertFalse(Files.exists(m.path("data")));
            }
        }

        @Test
        void specialFilesSymlinksAndTimesCreatedInTheMount() throws Exception {
            try (FuseMount m = mount()) {
                Process p = new ProcessBuilder("mkfifo", m.path("bin/pipe").toString()).start();
                assertEquals(0, p.waitFor());
                int mode = (Integer) Files.getAttribute(m.path("bin/pipe"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
                assertEquals(0010000, mode & 0170000, "a fifo, not a directory");
                assertTrue(Files.exists(rw.resolve("upper/bin/pipe"), LinkOption.NOFOLLOW_LINKS));
                Files.createSymbolicLink(m.path("bin/sh-link"), Path.of("run.sh"));
                assertEquals(Path.of("run.sh"), Files.readSymbolicLink(m.path("bin/sh-link")));
                Files.setLastModifiedTime(m.path("etc/passwd"), java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
                assertEquals(1_000_000_000_000L, Files.getLastModifiedTime(m.path("etc/passwd")).toMillis());
                assertEquals("root", Files.readString(m.path("etc/passwd")), "utimens copied up, content intact");
                // lower special files keep their kind when copied up (chown forces the copy-up)
                Files.setAttribute(m.path("fifo"), "unix:uid", 7);
                int up = (Integer) Files.getAttribute(rw.resolve("upper/fifo"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
                assertEquals(0010000, up & 0170000);
            }
        }

        @Test
        void hardLinkOfALowerReadOnlyFile() throws IOException {
            try (FuseMount m = mount()) {
                Files.createLink(m.path("ro-link"), m.path("ro"));
                assertEquals("read only", Files.readString(m.path("ro-link")));
                assertEquals(ino(m.path("ro")), ino(m.path("ro-link")));
                // the new name's attributes are fresh (the old name's may be cached by the kernel for attr_timeout)
                assertEquals(2, Files.getAttribute(m.path("ro-link"), "unix:nlink"));
            }
        }

        @Test
        void createOverAnExistingLowerNameTruncatesIt() throws IOException {
            try (FuseMount m = mount()) {
                Files.writeString(m.path("etc/hosts"), "fresh", StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
                assertEquals("fresh", Files.readString(m.path("etc/hosts")));
                assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> Files.createFile(m.path("etc/passwd")));
            }
        }
    }

    /** The file system's own cache of resolved paths, asked directly (the kernel's caches are not involved). */
    @Nested
    class ShapeCache {
        @Test
        void cachedPathsFollowEveryKindOfChangeMadeThroughTheMount() throws IOException {
            try (FuseMount m = mount()) {
                UnionFs fs = m.fs;
                // fill the cache: lower-only files, a lower directory, names that do not exist
                assertFalse(fs.resolve("data/a").upperAttrs != null);
                assertTrue(fs.resolve("data/sub/c").exists());
                assertTrue(fs.resolve("etc/passwd").exists());
                assertFalse(fs.resolve("data/new").exists());
                assertFalse(fs.resolve("made/inner").exists());
                assertTrue(fs.resolve("gone/z").exists() == false);
                assertTrue(fs.cachedShapes() >= 6, "resolved paths are cached");
                assertTrue(fs.resolve("data/a") == fs.resolve("data/a"), "a lower-only path is answered from the cache");

                Files.writeString(m.path("data/a"), "copied up and longer"); // copy-up
                assertEquals(20, fs.resolve("data/a").upperAttrs.size());
                Files.writeString(m.path("data/new"), "n"); // create
                assertTrue(fs.resolve("data/new").exists());
                Files.delete(m.path("data/sub/c")); // whiteout of a lower file
                assertFalse(fs.resolve("data/sub/c").exists());
                Files.delete(m.path("etc/passwd"));
                Files.createDirectory(m.path("etc/passwd")); // a directory where a lower file was
                assertTrue(fs.resolve("etc/passwd").isDir());
                Files.createDirectories(m.path("made/inner")); // mkdir under a name cached as missing
                assertTrue(fs.resolve("made/inner").isDir());
                Files.move(m.path("data/sub"), m.path("moved")); // rename of a lower directory
                assertFalse(fs.resolve("data/sub").exists());
                assertTrue(fs.resolve("moved").isDir());
                Files.delete(m.path("made/inner")); // rmdir
                assertFalse(fs.resolve("made/inner").exists());
                Files.createLink(m.path("data/a-link"), m.path("data/a")); // hard link: both names' nlink fresh
                assertEquals(2, fs.resolve("data/a").upperAttrs.nlink());
                assertEquals(2, fs.resolve("data/a-link").upperAttrs.nlink());
                assertEquals("copied up and longer", Files.readString(m.path("data/a-link")));
            }
        }
    }

    @Nested
    class Deletions {
        @Test
        void deletionsOfLowerEntriesPersistAcrossRemount() throws IOException {
            try (FuseMount m = mount()) {
                Files.delete(m.path("etc/passwd"));
                Files.delete(m.path("data/sub/c"));
                Files.delete(m.path("data/sub"));
                assertThrows(DirectoryNotEmptyException.class, () -> Files.delete(m.path("bin")));
                Files.writeString(m.path("created"), "mine");
                assertFalse(Files.exists(m.path("etc/passwd")));
                assertTrue(Files.exists(rw.resolve("upper/etc/.wh.passwd")));
            }
            try (FuseMount m = mount()) {
                assertFalse(Files.exists(m.path("etc/passwd")));
                assertFalse(Files.exists(m.path("data/sub")));
                assertEquals(List.of("a"), list(m.path("data")));
                assertEquals("mine", Files.readString(m.path("created")));
                Files.createDirectory(m.path("data/sub"));
                assertEquals(List.of(), list(m.path("data/sub")), "a recreated directory is opaque");
                Files.writeString(m.path("etc/passwd"), "back");
                assertEquals("back", Files.readString(m.path("etc/passwd")));
            }
        }

        @Test
        void whiteoutNamesCannotBeCreated() throws IOException {
            try (FuseMount m = mount()) {
                assertThrows(IOException.class, () -> Files.createFile(m.path(".wh.sneaky")));
            }
        }
    }

    @Nested
    class Workload {
        @Test
        void untarGitAndAShellScriptFromALowerLayer() throws Exception {
            try (FuseMount m = mount()) {
                assertEquals(0, run(m.mountPoint, "sh", "-c", "./bin/run.sh > out.txt"));
                assertEquals("from-lower\n", Files.readString(m.path("out.txt")));
                Path src = Files.createDirectories(tmp.resolve("src/pkg/deep"));
                for (int i = 0; i < 50; i++) {
                    Files.writeString(src.resolve("f" + i), "content " + i);
                }
                Files.createSymbolicLink(tmp.resolve("src/pkg/ln"), Path.of("deep/f1"));
                assertEquals(0, run(tmp, "tar", "-cf", "pkg.tar", "-C", "src", "pkg"));
                assertEquals(0, run(m.mountPoint, "tar", "-xf", tmp.resolve("pkg.tar").toString()));
                assertEquals("content 7", Files.readString(m.path("pkg/deep/f7")));
                assertEquals("content 1", Files.readString(m.path("pkg/ln")));
                if (Files.isExecutable(Path.of("/usr/bin/git"))) {
                    Path repo = m.path("pkg");
                    assertEquals(0, run(repo, "git", "init", "-q"));
                    assertEquals(0, run(repo, "git", "add", "."));
                    assertEquals(0, run(repo, "git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "m"));
                    assertEquals(0, run(repo, "git", "fsck", "--no-progress"));
                }
            }
        }

        int run(Path dir, String... cmd) throws Exception {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
            if (p.exitValue() != 0) {
                System.err.println(String.join(" ", cmd) + ": " + out);
            }
            return p.exitValue();
        }
    }
}
