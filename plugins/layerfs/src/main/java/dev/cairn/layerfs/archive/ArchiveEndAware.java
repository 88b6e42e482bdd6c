package dev.cairn.layerfs.archive;

/**
 * A stream that cannot know its own end (a file still being appended to) and is told when the archive inside it
 * ended, so it can return end-of-file at its current length instead of waiting for more.
 */
public interface ArchiveEndAware {
    /** The archive's end-of-archive marker (and compression trailer) has been read. */
    void archiveEnded();
}
