package dev.cairn.dir;

import dev.cairn.spi.dir.Directory;
import dev.cairn.spi.dir.DirectoryEntry;
import dev.cairn.spi.dir.FileAttributes;
import dev.cairn.spi.dir.FileType;
import dev.cairn.spi.dir.OpenFlag;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalDirectoryTest {
    @TempDir
    Path tmp;
    Path root;
    Path outside;
    LocalDirectory dir;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectory(tmp.resolve("root"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "do not touch");
        dir = LocalDirectory.open(root);
    }

    @AfterEach
    void tearDown() throws IOException {
        dir.close();
    }

    private static String read(SeekableByteChannel ch) throws IOException {
        try (ch) {
            ByteBuffer b = ByteBuffer.allocate(1024);
            while (ch.read(b) > 0) {
                // fill
            }
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        }
    }

    private static void write(SeekableByteChannel ch, String s) throws IOException {
        try (ch) {
            ch.write(ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Nested
    class Operations {
        @Test
        void createsReadsListsAndStats() throws IOException {
            dir.mkdir("sub", 0750);
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("sub"))));
            assertThrows(FileAlreadyExistsException.class, () -> dir.mkdir("sub", 0755));
            try (Directory sub = dir.enter("sub")) {
                write(sub.open("f", Set.of(OpenFlag.WRITE, OpenFlag.CREATE), 0640), "hello");
                write(sub.open("f", Set.of(OpenFlag.WRITE, OpenFlag.APPEND), 0), " world");
                assertEquals("hello world", read(sub.open("f", Set.of(OpenFlag.READ), 0)));
                assertThrows(FileAlreadyExistsException.class,
                        () -> sub.open("f", Set.of(OpenFlag.WRITE, OpenFlag.CREATE, OpenFlag.EXCLUSIVE), 0600));
                write(sub.open("f", Set.of(OpenFlag.WRITE, OpenFlag.TRUNCATE), 0), "x");
                FileAttributes a = sub.lstat("f");
                assertEquals(FileType.REGULAR, a.type());
                assertEquals(1, a.size());
                assertEquals(0640, a.mode());
                assertEquals(1, a.linkCount());
                assertEquals(Files.getAttribute(root.resolve("sub/f"), "unix:ino"), a.inode());
            }
            dir.symlink("sub/f", "ln");
            assertEquals(FileType.SYMLINK, dir.lstat("ln").type());
            assertEquals("sub/f", dir.readlink("ln"));
            List<DirectoryEntry> entries = dir.readdir().stream().sorted(Comparator.comparing(DirectoryEntry::name)).toList();
            assertEquals(List.of(new DirectoryEntry("ln", FileType.SYMLINK), new DirectoryEntry("sub", FileType.DIRECTORY)), entries);
            assertThrows(NoSuchFileException.class, () -> dir.lstat("absent"));
            assertThrows(NoSuchFileException.class, () -> dir.open("absent", Set.of(OpenFlag.READ), 0));
        }

        @Test
        void linksRenamesRemovesAndSetsTimes() throws IOException {
            dir.mkdir("a", 0755);
            dir.mkdir("b", 0755);
            try (Directory a = dir.enter("a"); Directory b = dir.enter("b")) {
                write(a.open("f", Set.of(OpenFlag.WRITE, OpenFlag.CREATE), 0644), "data");
                a.link("f", b, "hard");
                assertEquals(2, a.lstat("f").linkCount());
                a.rename("f", b, "moved");
                assertEquals("data", Files.readString(root.resolve("b/moved")));
                write(b.open("other", Set.of(OpenFlag.WRITE, OpenFlag.CREATE), 0644), "other");
                b.rename("other", b, "moved"); // replaces, as renameat
                assertEquals("other", Files.readString(root.resolve("b/moved")));
                b.chtimes("moved", FileTime.fromMillis(1_000_000), FileTime.fromMillis(2_000_500));
                assertEquals(FileTime.fromMillis(2_000_500), b.lstat("moved").modified());
                b.symlink("/nonexistent", "dangling");
                b.chtimes("dangling", FileTime.fromMillis(5000), FileTime.fromMillis(6000)); // the link's own times
                assertEquals(FileTime.fromMillis(6000), b.lstat("dangling").modified());
                b.sync();
                b.remove("dangling");
                b.remove("hard");
            }
            assertThrows(DirectoryNotEmptyException.class, () -> dir.remove("b"));
            dir.remove("a");
            assertFalse(Files.exists(root.resolve("a")));
            dir.removeAll("b");
            assertEquals(List.of(), dir.readdir());
        }

        @Test
        void renameAndLinkIntoALazyDirectory() throws IOException {
            Files.createDirectory(root.resolve("dst"));
            Files.writeString(root.resolve("f"), "f");
            LazyDirectory lazyDst = new LazyDirectory(() -> LocalDirectory.open(root.resolve("dst")));
            dir.link("f", lazyDst, "linked");
            dir.rename("f", lazyDst, "renamed");
            assertEquals("f", Files.readString(root.resolve("dst/renamed")));
            assertTrue(Files.exists(root.resolve("dst/linked")));
        }

        @Test
        void aClosedHandleRefusesCalls() throws IOException {
            LocalDirectory d = LocalDirectory.open(root);
            d.close();
            d.close();
            IOException e = assertThrows(IOException.class, () -> d.readdir());
            assertTrue(e.getMessage().contains("closed"));
        }

        @Test
        void openingAMissingOrNonDirectoryRootFails() throws IOException {
            assertThrows(NoSuchFileException.class, () -> LocalDirectory.open(tmp.resolve("absent")));
            assertThrows(NotDirectoryException.class, () -> LocalDirectory.open(outside.resolve("secret")));
        }
    }

    @Nested
    class Traversal {
        @Test
        void namesThatAreNotOneComponentAreRefusedBeforeAnySystemCall() {
            for (String bad : new String[] {"..", ".", "", "a/b", "../outside", "/etc", "x\0y"}) {
                assertThrows(IllegalArgumentException.class, () -> dir.lstat(bad), bad);
                assertThrows(IllegalArgumentException.class, () -> dir.enter(bad), bad);
                assertThrows(IllegalArgumentException.class, () -> dir.open(bad, Set.of(OpenFlag.READ), 0), bad);
                assertThrows(IllegalArgumentException.class, () -> dir.mkdir(bad, 0755), bad);
                assertThrows(IllegalArgumentException.class, () -> dir.remove(bad), bad);
                assertThrows(IllegalArgumentException.class, () -> dir.symlink("t", bad), bad);
                assertThrows(IllegalArgumentException.class, () -> dir.rename("x", dir, bad), bad);
            }
        }

        @Test
        void symlinksToOutsideAreNeverFollowed() throws IOException {
            Files.createSymbolicLink(root.resolve("out"), outside);
            Files.createSymbolicLink(root.resolve("secret"), outside.resolve("secret"));
            assertThrows(NotDirectoryException.class, () -> dir.enter("out"));
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> dir.open("secret", Set.of(OpenFlag.READ), 0));
            assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
            assertThrows(FileSystemException.class,
                    () -> dir.open("secret", Set.of(OpenFlag.WRITE, OpenFlag.TRUNCATE), 0));
            assertEquals(FileType.SYMLINK, dir.lstat("out").type());
            assertEquals("do not touch", Files.readString(outside.resolve("secret")));
        }

        @Test
        void removeAllDeletesLinksNotWhatTheyPointTo() throws IOException {
            Files.createDirectories(root.resolve("tree/deep"));
            Files.createSymbolicLink(root.resolve("tree/deep/escape"), outside);
            Files.createSymbolicLink(root.resolve("tree/file-link"), outside.resolve("secret"));
            dir.removeAll("tree");
            assertFalse(Files.exists(root.resolve("tree"), LinkOption.NOFOLLOW_LINKS));
            assertEquals("do not touch", Files.readString(outside.resolve("secret")));
        }

        @Test
        void aDirectoryReplacedByASymlinkAfterEnteringStaysTheOriginal() throws IOException {
            Files.createDirectory(root.resolve("sub"));
            try (Directory sub = dir.enter("sub")) {
                // Another process moves the directory away and puts a link to outside in its place.
                Files.move(root.resolve("sub"), root.resolve("moved"));
                Files.createSymbolicLink(root.resolve("sub"), outside);
                write(sub.open("new", Set.of(OpenFlag.WRITE, OpenFlag.CREATE), 0644), "inside");
            }
            assertEquals("inside", Files.readString(root.resolve("moved/new")));
            assertFalse(Files.exists(outside.resolve("new")));
        }
    }
}
