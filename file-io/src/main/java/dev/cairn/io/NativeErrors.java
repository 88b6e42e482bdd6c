package dev.cairn.io;

import com.sun.jna.LastErrorException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns an errno from a libc call into the {@link IOException} the JDK would throw for it. */
final class NativeErrors {
    private NativeErrors() {
    }

    /**
     * @param e the failed call's error
     * @param call what was attempted, e.g. {@code pread}
     * @param path the file, for the message
     * @return the exception to throw
     */
    static IOException translate(LastErrorException e, String call, String path) {
        int errno = e.getErrorCode();
        String reason = call + " failed: " + describe(e);
        return switch (errno) {
            case LibC.ENOENT -> new NoSuchFileException(path, null, reason);
            case LibC.EEXIST -> new FileAlreadyExistsException(path, null, reason);
            case LibC.EACCES -> new AccessDeniedException(path, null, reason);
            case LibC.ENOTDIR -> new NotDirectoryException(path);
            case LibC.ELOOP -> new FileSystemException(path, null, reason + " (a symbolic link where none is allowed)");
            default -> new FileSystemException(path, null, reason);
        };
    }

    /** @return the errno's text without JNA's "[n]" prefix, plus the errno number */
    static String describe(LastErrorException e) {
        String message = e.getMessage();
        if (message != null && message.startsWith("[")) {
            int close = message.indexOf(']');
            if (close > 0) {
                message = message.substring(close + 1).trim();
            }
        }
        return message + " (errno " + e.getErrorCode() + ")";
    }
}
