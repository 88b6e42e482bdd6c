package dev.cairn.dir;

import dev.cairn.spi.dir.Directory;
import dev.cairn.spi.dir.DirectoryEntry;
import dev.cairn.spi.dir.FileAttributes;
import dev.cairn.spi.dir.FileType;
import dev.cairn.spi.dir.OpenFlag;

import java.nio.channels.SeekableByteChannel;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** A fake directory that records every call (with its arguments) and whether it was closed. */
class CountingDirectory implements Directory {
    final List<String> calls;
    int closes;
    Directory lastNewDirectory;

    CountingDirectory(List<String> calls) {
        this.calls = calls;
    }

    private void record(String call) {
        if (closes > 0) {
            throw new IllegalStateException(call + " after close");
        }
        calls.add(call);
    }

    @Override
    public Directory enter(String name) {
        record("enter " + name);
        return new CountingDirectory(new ArrayList<>());
    }

    @Override
    public FileAttributes lstat(String name) throws java.io.IOException {
        record("lstat " + name);
        return new FileAttributes(FileType.REGULAR, 3, 0644, 7, 1, FileTime.fromMillis(0));
    }

    @Override
    public void mkdir(String name, int mode) {
        record("mkdir " + name + " " + Integer.toOctalString(mode));
    }

    @Override
    public SeekableByteChannel open(String name, Set<OpenFlag> options, int mode) {
        record("open " + name + " " + options + " " + Integer.toOctalString(mode));
        return null;
    }

    @Override
    public List<DirectoryEntry> readdir() {
        record("readdir");
        return List.of(new DirectoryEntry("a", FileType.REGULAR));
    }

    @Override
    public String readlink(String name) {
        record("readlink " + name);
        return "target";
    }

    @Override
    public void symlink(String target, String name) {
        record("symlink " + target + " " + name);
    }

    @Override
    public void link(String oldName, Directory newDirectory, String newName) {
        record("link " + oldName + " " + newName);
        lastNewDirectory = newDirectory;
    }

    @Override
    public void rename(String oldName, Directory newDirectory, String newName) {
        record("rename " + oldName + " " + newName);
        lastNewDirectory = newDirectory;
    }

    @Override
    public void remove(String name) {
        record("remove " + name);
    }

    @Override
    public void removeAll(String name) {
        record("removeAll " + name);
    }

    @Override
    public void chtimes(String name, FileTime atime, FileTime mtime) {
        record("chtimes " + name + " " + atime.toMillis() + " " + mtime.toMillis());
    }

    @Override
    public void sync() {
        record("sync");
    }

    @Override
    public void close() {
        closes++;
    }
}
