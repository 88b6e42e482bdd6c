package dev.cairn.layerfs.union;

import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * Leaner trampolines for the callbacks a cold walk or a large read makes thousands of times. jnr-fuse wraps every
 * call's {@code struct stat *} in a new {@link FileStat} (a struct of some twenty field objects, three inner structs)
 * and every {@code fuse_file_info *} in a new {@link FuseFileInfo}: measured with async-profiler, building the
 * {@code FileStat} was 60% of the Java time of {@code getattr} during a {@code find}, and it is what the interpreter
 * runs before the JIT catches up on a fresh mount. Here each thread fills one reusable {@code FileStat} and copies
 * it out in one {@code memcpy}, and {@code read_buf} reads the file handle straight from its offset.
 */
final class HotPathCallbacks {
    private static final Runtime RUNTIME = Runtime.getSystemRuntime();
    /** Offset of {@code fh} in {@code struct fuse_file_info}, taken from jnr-fuse's own layout. */
    private static final long FH_OFFSET = FuseFileInfo.of(jnr.ffi.Memory.allocateDirect(RUNTIME, 128)).fh.offset();
    private static final ThreadLocal<FileStat> SCRATCH = ThreadLocal.withInitial(HotPathCallbacks::newScratch);

    private HotPathCallbacks() {
    }

    /** Replaces jnr-fuse's trampolines for getattr, fgetattr and read_buf; call before mounting. */
    static void install(FuseOperations ops, UnionFs fs) {
        ops.getattr.set((path, stat) -> copyOut(fs.getattr(path, scratch()), stat));
        ops.fgetattr.set((path, stat, fi) -> copyOut(fs.getattr(path, scratch()), stat));
        ops.read_buf.set((path, bufp, size, offset, fi) -> fs.readBuf(bufp, size, offset, (int) fi.getLong(FH_OFFSET)));
    }

    private static FileStat scratch() {
        return SCRATCH.get();
    }

    /** On success, copies this thread's filled scratch stat to libfuse's buffer. */
    private static int copyOut(int result, Pointer dest) {
        if (result == 0) {
            FileStat s = SCRATCH.get();
            Struct.getMemory(s).transferTo(0, dest, 0, Struct.size(s));
        }
        return result;
    }

    private static FileStat newScratch() {
        FileStat s = new FileStat(RUNTIME);
        Struct.getMemory(s); // allocate now: every field write of fill() lands in this one buffer
        return s;
    }
}
