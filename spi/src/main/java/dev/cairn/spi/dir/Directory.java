package dev.cairn.spi.dir;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Set;

/**
 * An openat-style handle on a directory. Every {@code name} argument is a single path component: not empty, not
 * {@code .} or {@code ..}, without {@code /} or NUL; anything else is an {@link IllegalArgumentException}. Symbolic
 * links are never followed, so no operation can reach outside the directory.
 */
public interface Directory extends Closeable {
    /**
     * @param name a child directory (not a symlink)
     * @return a handle on the child; the caller closes it
     * @throws java.nio.file.NoSuchFileException when absent
     * @throws java.nio.file.NotDirectoryException when not a directory
     * @throws IOException on other failures
     */
    Directory enter(String name) throws IOException;

    /**
     * @param name a child
     * @return its attributes, without following a symlink
     * @throws java.nio.file.NoSuchFileException when absent
     * @throws IOException on other failures
     */
    FileAttributes lstat(String name) throws IOException;

    /**
     * @param name the new directory
     * @param mode permission bits, e.g. {@code 0755}
     * @throws java.nio.file.FileAlreadyExistsException when the name exists
     * @throws IOException on other failures
     */
    void mkdir(String name, int mode) throws IOException;

    /**
     * Opens a regular file (never through a symlink).
     *
     * @param name the file
     * @param options how to open it
     * @param mode permission bits when created
     * @return an open channel; the caller closes it
     * @throws IOException when it cannot be opened
     */
    SeekableByteChannel open(String name, Set<OpenFlag> options, int mode) throws IOException;

    /**
     * @return the children, without {@code .} and {@code ..}, in no particular order
     * @throws IOException when the directory cannot be read
     */
    List<DirectoryEntry> readdir() throws IOException;

    /**
     * @param name a symlink
     * @return its target, as stored
     * @throws IOException when absent or not a symlink
     */
    String readlink(String name) throws IOException;

    /**
     * @param target what the link points to (stored as is, never resolved by this API)
     * @param name the new link
     * @throws IOException when it cannot be created
     */
    void symlink(String target, String name) throws IOException;

    /**
     * Creates a hard link.
     *
     * @param oldName an existing child of this directory
     * @param newDirectory the directory of the new name (may be this one)
     * @param newName the new name
     * @throws IOException when it cannot be created
     */
    void link(String oldName, Directory newDirectory, String newName) throws IOException;

    /**
     * Renames a child, replacing the target when it exists (as {@code renameat}).
     *
     * @param oldName an existing child of this directory
     * @param newDirectory the destination directory (may be this one)
     * @param newName the new name
     * @throws IOException when it cannot be renamed
     */
    void rename(String oldName, Directory newDirectory, String newName) throws IOException;

    /**
     * Removes a file, a symlink or an empty directory.
     *
     * @param name the child
     * @throws IOException when it cannot be removed
     */
    void remove(String name) throws IOException;

    /**
     * Removes a child and everything below it, without following symlinks.
     *
     * @param name the child
     * @throws IOException when it cannot be removed
     */
    void removeAll(String name) throws IOException;

    /**
     * @param name the child (a symlink's own times are set)
     * @param atime access time
     * @param mtime modification time
     * @throws IOException when they cannot be set
     */
    void chtimes(String name, FileTime atime, FileTime mtime) throws IOException;

    /**
     * Flushes the directory's metadata to stable storage.
     *
     * @throws IOException when it fails
     */
    void sync() throws IOException;

    /**
     * Checks a single path component.
     *
     * @param name the name
     * @return the name
     * @throws IllegalArgumentException when it is empty, {@code .}, {@code ..}, or contains {@code /} or NUL
     */
    static String checkName(String name) {
        if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")
                || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid path component: '" + name + "'");
        }
        return name;
    }
}
