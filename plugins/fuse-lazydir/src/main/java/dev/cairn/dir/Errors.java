package dev.cairn.dir;

import com.sun.jna.LastErrorException;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Maps an errno from a failed system call to the {@link java.nio.file} exception callers expect. */
final class Errors {
    private Errors() {
    }

    static FileSystemException of(LastErrorException e, String file, String other) {
        int errno = e.getErrorCode();
        String reason = Posix.LIBC.strerror(errno);
        FileSystemException mapped = switch (errno) {
            case Posix.ENOENT -> new NoSuchFileException(file, other, reason);
            case Posix.EEXIST -> new FileAlreadyExistsException(file, other, reason);
            case Posix.ENOTDIR -> new NotDirectoryException(file);
            case Posix.ENOTEMPTY -> new DirectoryNotEmptyException(file);
            case Posix.EACCES, Posix.EPERM -> new AccessDeniedException(file, other, reason);
            case Posix.ELOOP -> new FileSystemException(file, other, "is a symbolic link, which is never followed");
            default -> new FileSystemException(file, other, reason);
        };
        mapped.initCause(e);
        return mapped;
    }
}
