package dev.cairn.cache.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The on-disk format of one entry: a header naming every blob and its size, then the blobs back to back.
 *
 * <pre>
 *   "CAIRNENT"            8 bytes magic
 *   version               u16 (1)
 *   blob count            u16
 *   per blob: name length u8, name (ASCII), size u64
 *   CRC-32 of the above   u32
 *   blob data, in header order
 * </pre>
 * One file per entry makes a multi-blob entry atomic with a single rename, and lets a reader keep reading an entry
 * that was evicted or replaced meanwhile (the open file outlives its name). All sizes are known before writing
 * ({@link dev.cairn.spi.store.BlobSource#size()}), so the header is written first and the blobs streamed after it.
 */
final class EntryFormat {
    /** Most blobs per entry: keeps the header within one 4 KiB read. */
    static final int MAX_BLOBS = 64;
    /** Upper bound of a header's length. */
    static final int MAX_HEADER = 8 + 2 + 2 + MAX_BLOBS * (1 + 32 + 8) + 4;
    private static final byte[] MAGIC = "CAIRNENT".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /**
     * Where a blob lies in the entry file.
     *
     * @param name the blob's name
     * @param offset its first byte in the file
     * @param size its length
     */
    record BlobRef(String name, long offset, long size) {
    }

    /**
     * A parsed header.
     *
     * @param blobs the blobs in file order
     * @param fileLength the length the file must have
     */
    record Header(List<BlobRef> blobs, long fileLength) {
        Optional<BlobRef> find(String name) {
            for (BlobRef b : blobs) {
                if (b.name.equals(name)) {
                    return Optional.of(b);
                }
            }
            return Optional.empty();
        }
    }

    /** The file is not a complete entry: wrong magic, version, checksum or length. */
    static final class CorruptEntryException extends IOException {
        CorruptEntryException(String message) {
            super(message);
        }
    }

    private EntryFormat() {
    }

    /**
     * @param names blob names (already validated), in file order
     * @return the header's length in bytes
     */
    static int headerLength(List<String> names) {
        int length = 8 + 2 + 2 + 4;
        for (String n : names) {
            length += 1 + n.length() + 8;
        }
        return length;
    }

    /**
     * @param names blob names in file order
     * @param sizes their sizes
     * @return the encoded header
     */
    static ByteBuffer encode(List<String> names, List<Long> sizes) {
        ByteBuffer buf = ByteBuffer.allocate(headerLength(names));
        buf.put(MAGIC).putShort((short) VERSION).putShort((short) names.size());
        for (int i = 0; i < names.size(); i++) {
            byte[] name = names.get(i).getBytes(StandardCharsets.US_ASCII);
            buf.put((byte) name.length).put(name).putLong(sizes.get(i));
        }
        CRC32 crc = new CRC32();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue());
        return buf.flip();
    }

    /**
     * Reads and checks the header of an entry file (not its length: see {@link Header#fileLength()}).
     *
     * @param ch the open file
     * @return the header
     * @throws CorruptEntryException when the header is malformed
     * @throws IOException when reading fails
     */
    static Header read(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_HEADER);
        while (buf.hasRemaining()) {
            int n = ch.read(buf, buf.position());
            if (n < 0) {
                break;
            }
        }
        buf.flip();
        return parse(buf);
    }

    /**
     * Parses a header from the start of an entry file.
     *
     * @param buf the file's first bytes (at least the header), from position 0; its position moves
     * @return the header
     * @throws CorruptEntryException when the header is malformed or truncated
     */
    static Header parse(ByteBuffer buf) throws CorruptEntryException {
        int start = buf.position();
        try {
            byte[] magic = new byte[MAGIC.length];
            buf.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new CorruptEntryException("not an entry file (bad magic)");
            }
            int version = buf.getShort() & 0xffff;
            if (version != VERSION) {
                throw new CorruptEntryException("unsupported entry version " + version);
            }
            int count = buf.getShort() & 0xffff;
            if (count < 1 || count > MAX_BLOBS) {
                throw new CorruptEntryException("bad blob count " + count);
            }
            List<String> names = new ArrayList<>(count);
            List<Long> sizes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int len = buf.get() & 0xff;
                byte[] name = new byte[len];
                buf.get(name);
                long size = buf.getLong();
                if (size < 0) {
                    throw new CorruptEntryException("negative blob size");
                }
                names.add(new String(name, StandardCharsets.US_ASCII));
                sizes.add(size);
            }
            CRC32 crc = new CRC32();
            crc.update(buf.array(), buf.arrayOffset() + start, buf.position() - start);
            int expected = buf.getInt();
            if (expected != (int) crc.getValue()) {
                throw new CorruptEntryException("header checksum mismatch");
            }
            long offset = buf.position() - start;
            List<BlobRef> blobs = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                blobs.add(new BlobRef(names.get(i), offset, sizes.get(i)));
                offset = Math.addExact(offset, sizes.get(i));
            }
            return new Header(List.copyOf(blobs), offset);
        } catch (java.nio.BufferUnderflowException | ArithmeticException e) {
            throw new CorruptEntryException("truncated or malformed header");
        }
    }
}
