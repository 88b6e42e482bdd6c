package dev.cairn.sparse;

import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.Interval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA-256 digests of a file's content, the same on client and server: a batch digest covers the bytes of one range
 * (holes read as zeros), and the whole-file digest is SHA-256 over the size and every batch digest in order. Ranges
 * that are entirely holes are never read: the digest of that many zeros is computed once and remembered.
 */
final class ContentDigest {
    private static final Map<Integer, byte[]> ZERO_DIGESTS = new ConcurrentHashMap<>();
    private static final int CHUNK = 1 << 20;

    private ContentDigest() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * @param io the file
     * @param offset start of the range (aligned to the processor's alignment)
     * @param length length of the range, at most 2 GiB
     * @return the digest of the range's content
     * @throws IOException on read failure
     */
    static byte[] range(FileIoProcessor io, long offset, int length) throws IOException {
        MessageDigest md = sha256();
        update(md, io, offset, length);
        return md.digest();
    }

    /** Feeds the range's content (read from the file) to the digest. */
    static void update(MessageDigest md, FileIoProcessor io, long offset, int length) throws IOException {
        // Through a heap array: MessageDigest digests a direct buffer by copying it 4 KiB at a time.
        byte[] chunk = CHUNKS.get();
        int done = 0;
        while (done < length) {
            int n = Math.min(CHUNK, length - done);
            RangeIo.read(io, offset + done, n).get(chunk, 0, n);
            md.update(chunk, 0, n);
            done += n;
        }
    }

    private static final ThreadLocal<byte[]> CHUNKS = ThreadLocal.withInitial(() -> new byte[CHUNK]);

    /**
     * @param length a number of zero bytes
     * @return the digest of that many zeros
     */
    static byte[] zeros(int length) {
        return ZERO_DIGESTS.computeIfAbsent(length, l -> {
            MessageDigest md = sha256();
            byte[] zero = new byte[Math.min(CHUNK, l)];
            int done = 0;
            while (done < l) {
                int n = Math.min(zero.length, l - done);
                md.update(zero, 0, n);
                done += n;
            }
            return md.digest();
        }).clone();
    }

    /**
     * @param io the file
     * @param batchSize batch size, a multiple of the alignment
     * @return the whole-file digest
     * @throws IOException on read failure
     */
    static byte[] whole(FileIoProcessor io, int batchSize) throws IOException {
        return whole(io, batchSize, (offset, length) -> null);
    }

    /** Digests already known for a range, or null. */
    interface Known {
        byte[] get(long offset, int length);
    }

    /**
     * @param known digests of unchanged batches computed earlier from the same file (reused instead of re-read)
     */
    static byte[] whole(FileIoProcessor io, int batchSize, Known known) throws IOException {
        long size = io.size();
        List<Interval> layout = io.dataLayout();
        MessageDigest md = sha256();
        md.update(ByteBuffer.allocate(Long.BYTES).putLong(0, size));
        int next = 0;
        for (long b = 0; b < size; b += batchSize) {
            int len = (int) Math.min(batchSize, size - b);
            while (next < layout.size() && layout.get(next).end() <= b) {
                next++;
            }
            boolean allHole = next >= layout.size()
                    || layout.get(next).kind() == Interval.Kind.HOLE && layout.get(next).end() >= b + len;
            byte[] cached = allHole ? null : known.get(b, len);
            md.update(allHole ? zeros(len) : cached != null ? cached : range(io, b, len));
        }
        return md.digest();
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
