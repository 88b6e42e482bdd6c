package dev.cairn.io;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.Interval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileSystemException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link FileIoProcessor} on a native file descriptor. Buffered mode copies heap buffers through a per-thread
 * direct buffer; direct mode (O_DIRECT) insists on aligned offsets, lengths and buffer addresses and reports anything
 * else as an {@link IllegalArgumentException} before touching the file.
 */
final class NativeFileIoProcessor implements FileIoProcessor {
    /** Alignment of direct I/O: the 4 KiB page and block size every Linux file system we target accepts. */
    static final int DIRECT_ALIGNMENT = 4096;
    private static final int BOUNCE_SIZE = 1 << 20;
    private static final ThreadLocal<ByteBuffer> BOUNCE =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BOUNCE_SIZE));

    private final String path;
    private final boolean direct;
    private final int fd;
    // Reads and writes share the lock; close takes it exclusively so a recycled fd is never used.
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private NativeFileIoProcessor(String path, boolean direct, int fd) {
        this.path = path;
        this.direct = direct;
        this.fd = fd;
    }

    /**
     * @param path the file
     * @param options open options
     * @param direct whether to open with O_DIRECT
     * @return the open processor
     * @throws IOException when open(2) fails; in direct mode EINVAL means the file system refuses O_DIRECT
     */
    static NativeFileIoProcessor open(Path path, Set<? extends OpenOption> options, boolean direct) throws IOException {
        Objects.requireNonNull(path, "path is null");
        Objects.requireNonNull(options, "options is null");
        int flags = OpenFlags.of(options, direct);
        String name = path.toString();
        try {
            return new NativeFileIoProcessor(name, direct, LibC.open(name, flags, 0644));
        } catch (LastErrorException e) {
            if (direct && e.getErrorCode() == LibC.EINVAL) {
                throw new FileSystemException(name, null,
                        "the file system does not support O_DIRECT (open returned EINVAL); use io.mode: buffered");
            }
            throw NativeErrors.translate(e, "open", name);
        }
    }

    @Override
    public String mode() {
        return direct ? "direct" : "buffered";
    }

    @Override
    public int alignment() {
        return direct ? DIRECT_ALIGNMENT : 1;
    }

    @Override
    public ByteBuffer allocate(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("buffer size must not be negative: " + size);
        }
        if (!direct) {
            return ByteBuffer.allocateDirect(size);
        }
        return AlignedBuffers.allocate(size, DIRECT_ALIGNMENT);
    }

    @Override
    public int readAt(ByteBuffer dst, long offset) throws IOException {
        Objects.requireNonNull(dst, "dst is null");
        checkOffset(offset);
        int wanted = dst.remaining();
        if (direct) {
            checkAligned("read", dst, offset);
        }
        if (wanted == 0) {
            return 0;
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            int total = 0;
            while (dst.hasRemaining()) {
                int n = direct || dst.isDirect() ? preadInto(dst, offset + total) : preadBounced(dst, offset + total);
                if (n == 0) {
                    break;
                }
                total += n;
                if (direct && n % DIRECT_ALIGNMENT != 0) {
                    break; // a short O_DIRECT read ends at end of file; reading on would be unaligned
                }
            }
            return total == 0 ? -1 : total;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public int writeAt(ByteBuffer src, long offset) throws IOException {
        Objects.requireNonNull(src, "src is null");
        checkOffset(offset);
        if (direct) {
            checkAligned("write", src, offset);
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            int total = 0;
            while (src.hasRemaining()) {
                total += direct || src.isDirect() ? pwriteFrom(src, offset + total) : pwriteBounced(src, offset + total);
            }
            return total;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void punchHole(long offset, long length) throws IOException {
        checkOffset(offset);
        if (length < 0) {
            throw new IllegalArgumentException("hole length must not be negative: " + length);
        }
        if (length == 0) {
            return;
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            LibC.fallocate(fd, LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE, offset, length);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EOPNOTSUPP) {
                throw new FileSystemException(path, null, "the file system cannot punch holes (fallocate "
                        + "PUNCH_HOLE|KEEP_SIZE: " + NativeErrors.describe(e) + ")");
            }
            throw NativeErrors.translate(e, "fallocate(PUNCH_HOLE|KEEP_SIZE, " + offset + ", " + length + ")", path);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<Interval> dataLayout() throws IOException {
        return dataLayout(LayoutMethod.AUTO);
    }

    /**
     * @param method how to read the layout
     * @return data and hole intervals covering [0, size)
     * @throws IOException when the layout cannot be read (e.g. FIEMAP unsupported)
     */
    List<Interval> dataLayout(LayoutMethod method) throws IOException {
        lock.readLock().lock();
        try {
            ensureOpen();
            long size = sizeLocked();
            return switch (method) {
                case SEEK -> Layouts.seek(fd, size);
                case FIEMAP -> Layouts.fiemap(fd, size);
                case AUTO -> Layouts.auto(fd, size);
            };
        } catch (LastErrorException e) {
            throw NativeErrors.translate(e, method == LayoutMethod.FIEMAP ? "ioctl(FS_IOC_FIEMAP)"
                    : "lseek(SEEK_DATA/SEEK_HOLE)", path);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void sync() throws IOException {
        lock.readLock().lock();
        try {
            ensureOpen();
            LibC.fsync(fd);
        } catch (LastErrorException e) {
            throw NativeErrors.translate(e, "fsync", path);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
        lock.readLock().lock();
        try {
            ensureOpen();
            LibC.ftruncate(fd, size);
        } catch (LastErrorException e) {
            throw NativeErrors.translate(e, "ftruncate(" + size + ")", path);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public long size() throws IOException {
        lock.readLock().lock();
        try {
            ensureOpen();
            return sizeLocked();
        } catch (LastErrorException e) {
            throw NativeErrors.translate(e, "lseek(SEEK_END)", path);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            LibC.close(fd);
        } catch (LastErrorException e) {
            throw NativeErrors.translate(e, "close", path);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "FileIoProcessor[" + mode() + ", " + path + "]";
    }

    private long sizeLocked() {
        return LibC.lseek(fd, 0, LibC.SEEK_END);
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    private static void checkOffset(long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
    }

    private void checkAligned(String op, ByteBuffer buf, long offset) {
        int length = buf.remaining();
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("direct I/O " + op + " needs a direct buffer from allocate(); got a heap "
                    + "buffer (offset " + offset + ", length " + length + ", alignment " + DIRECT_ALIGNMENT + ")");
        }
        long address = Pointer.nativeValue(Native.getDirectBufferPointer(buf)) + buf.position();
        if (offset % DIRECT_ALIGNMENT != 0 || length % DIRECT_ALIGNMENT != 0 || address % DIRECT_ALIGNMENT != 0) {
            throw new IllegalArgumentException("direct I/O " + op + " at offset " + offset + " with length " + length
                    + " is not aligned to " + DIRECT_ALIGNMENT + " bytes"
                    + (address % DIRECT_ALIGNMENT != 0 ? " (buffer address is unaligned; use allocate())" : "")
                    + "; offset, length and buffer must be multiples of the alignment " + DIRECT_ALIGNMENT);
        }
    }

    private int preadInto(ByteBuffer dst, long offset) throws IOException {
        Pointer p = Native.getDirectBufferPointer(dst).share(dst.position());
        long n;
        try {
            n = retry(() -> LibC.pread(fd, p, dst.remaining(), offset));
        } catch (LastErrorException e) {
            throw NativeErrors.translate(e, "pread(" + offset + ", " + dst.remaining() + ")", path);
        }
        dst.position(dst.position() + (int) n);
        return (int) n;
    }

    private int pwriteFrom(ByteBuffer src, long offset) throws IOException {
        Pointer p = Native.getDirectBufferPointer(src).share(src.position());
        long n;
        try {
            n = retry(() -> LibC.pwrite(fd, p, src.remaining(), offset));
        } catch (LastErrorException e) {
            throw NativeErrors.translate(e, "pwrite(" + offset + ", " + src.remaining() + ")", path);
        }
        src.position(src.position() + (int) n);
        return (int) n;
    }

    private int preadBounced(ByteBuffer dst, long offset) throws IOException {
        ByteBuffer bounce = BOUNCE.get().clear();
        bounce.limit(Math.min(bounce.capacity(), dst.remaining()));
        int n = preadInto(bounce, offset);
        bounce.flip();
        dst.put(bounce);
        return n;
    }

    private int pwriteBounced(ByteBuffer src, long offset) throws IOException {
        ByteBuffer bounce = BOUNCE.get().clear();
        int chunk = Math.min(bounce.capacity(), src.remaining());
        ByteBuffer part = src.slice(src.position(), chunk);
        bounce.put(part).flip();
        int n = pwriteFrom(bounce, offset);
        src.position(src.position() + n);
        return n;
    }

    private interface Call {
        long run();
    }

    private static long retry(Call call) {
        while (true) {
            try {
                return call.run();
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR) {
                    throw e;
                }
            }
        }
    }
}
