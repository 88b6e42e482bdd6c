package dev.cairn.projection;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * One file of a projection payload: its bytes, its permission bits and optionally its owner (Kubernetes'
 * {@code FileProjection}: {@code Data}, {@code Mode}, {@code FsUser}).
 *
 * <p>The mode is applied exactly with {@code chmod}, whatever the process umask is. Only the permission bits
 * {@code 0000}-{@code 0777} are allowed (Kubernetes validates {@code defaultMode} to the same range); set-id and sticky
 * bits are refused because {@link java.nio.file.attribute.PosixFilePermission} cannot express them.
 *
 * @param bytes the content; copied on the way in and out, so the record is immutable
 * @param mode the permission bits, e.g. {@code 0644}
 * @param uid the owner to {@code chown} the file to, if any (upstream sets only the user, {@code FsUser})
 * @param gid the group to {@code chown} the file to, if any
 */
public record PayloadFile(byte[] bytes, int mode, OptionalInt uid, OptionalInt gid) {
    /** The mode of files whose mode is not given: {@code 0644}, as Kubernetes' default. */
    public static final int DEFAULT_MODE = 0644;

    /** Copies the bytes and checks the mode and the owner. */
    public PayloadFile {
        requireNonNull(bytes, "bytes is null");
        requireNonNull(uid, "uid is null");
        requireNonNull(gid, "gid is null");
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("mode must be between 0000 and 0777: 0" + Integer.toOctalString(mode));
        }
        if (uid.isPresent() && uid.getAsInt() < 0) {
            throw new IllegalArgumentException("uid must not be negative: " + uid.getAsInt());
        }
        if (gid.isPresent() && gid.getAsInt() < 0) {
            throw new IllegalArgumentException("gid must not be negative: " + gid.getAsInt());
        }
        bytes = bytes.clone();
    }

    /**
     * @param bytes the content
     * @param mode the permission bits
     * @return a file without an owner
     */
    public static PayloadFile of(byte[] bytes, int mode) {
        return new PayloadFile(bytes, mode, OptionalInt.empty(), OptionalInt.empty());
    }

    /**
     * @param bytes the content
     * @return a file with mode {@code 0644} and no owner
     */
    public static PayloadFile of(byte[] bytes) {
        return of(bytes, DEFAULT_MODE);
    }

    /**
     * @param text the content, encoded as UTF-8
     * @param mode the permission bits
     * @return a file without an owner
     */
    public static PayloadFile ofUtf8(String text, int mode) {
        return of(requireNonNull(text, "text is null").getBytes(StandardCharsets.UTF_8), mode);
    }

    /**
     * @param text the content, encoded as UTF-8
     * @return a file with mode {@code 0644} and no owner
     */
    public static PayloadFile ofUtf8(String text) {
        return ofUtf8(text, DEFAULT_MODE);
    }

    /**
     * @param newUid the owner
     * @param newGid the group
     * @return this file owned by {@code newUid:newGid}
     */
    public PayloadFile withOwner(int newUid, int newGid) {
        return new PayloadFile(bytes, mode, OptionalInt.of(newUid), OptionalInt.of(newGid));
    }

    /** @return a copy of the content */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The content without a copy, for the writer, which never modifies it. */
    byte[] sharedBytes() {
        return bytes;
    }

    /** @return the mode as an octal string, e.g. {@code 0644} */
    public String modeString() {
        return String.format("%04o", mode);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PayloadFile other && mode == other.mode && uid.equals(other.uid) && gid.equals(other.gid)
                && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Arrays.hashCode(bytes) + mode) + uid.hashCode()) + gid.hashCode();
    }

    @Override
    public String toString() {
        return "PayloadFile[" + bytes.length + " bytes, mode " + modeString()
                + (uid.isPresent() ? ", uid " + uid.getAsInt() : "") + (gid.isPresent() ? ", gid " + gid.getAsInt() : "")
                + "]";
    }
}
