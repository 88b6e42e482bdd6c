package dev.cairn.pool.cli;

import dev.cairn.spi.HostContext;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.command.PluginCommand;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.pool.RegionType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * {@code cairn pool status|selftest}: shows the configured file pool's statistics, or writes, checks and frees a
 * test file through it (so switching {@code pool.allocator} or {@code io.mode} can be checked in one command).
 */
public final class PoolCommand implements PluginCommand {
    private static final String USAGE = String.join("\n",
            "Usage: cairn pool status",
            "       cairn pool selftest [--bytes <size>]",
            "Inspect or exercise the configured file pool (pool.type, pool.allocator, io.mode).",
            "  status              print the pool's statistics (sectors used/free, largest free run, fragmentation)",
            "  selftest            write a file with a hole through the pool, read it back, check it, free it",
            "  --bytes <size>      bytes of data the self-test writes (default 1MiB), e.g. 64MiB",
            "  --help              print this help");

    @Override
    public String name() {
        return "pool";
    }

    @Override
    public String summary() {
        return "Show file pool statistics, or run a write/read self-test through the pool";
    }

    @Override
    public int run(List<String> args, CommandIo io, HostContext context) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            io.out().println(USAGE);
            return 0;
        }
        if (args.isEmpty()) {
            io.err().println("cairn pool: missing subcommand; expected status or selftest");
            io.err().println(USAGE);
            return 2;
        }
        switch (args.get(0)) {
            case "status" -> {
                if (args.size() > 1) {
                    return usage(io, "unexpected argument '" + args.get(1) + "'");
                }
                print(io, context.filePool().status());
                return 0;
            }
            case "selftest" -> {
                long bytes = 1 << 20;
                for (int i = 1; i < args.size(); i++) {
                    if (args.get(i).equals("--bytes") && i + 1 < args.size()) {
                        try {
                            bytes = DataSize.parse(args.get(++i)).bytes();
                        } catch (IllegalArgumentException e) {
                            return usage(io, "--bytes: " + e.getMessage());
                        }
                        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
                            return usage(io, "--bytes must be between 1 and 2GiB, not " + args.get(i));
                        }
                    } else {
                        return usage(io, "unexpected argument '" + args.get(i) + "'");
                    }
                }
                return selftest(io, context.filePool(), bytes);
            }
            default -> {
                return usage(io, "unknown subcommand '" + args.get(0) + "'; expected status or selftest");
            }
        }
    }

    private static int usage(CommandIo io, String message) {
        io.err().println("cairn pool: " + message);
        io.err().println(USAGE);
        return 2;
    }

    /** Writes {@code bytes} of a pattern after a 1 MiB hole, checks it, shrinks it, closes it. */
    private static int selftest(CommandIo io, FilePool pool, long bytes) throws IOException {
        long hole = 1 << 20;
        int chunk = 1 << 20;
        try (PoolFile file = pool.newFile()) {
            ByteBuffer buffer = ByteBuffer.allocate(chunk);
            for (long done = 0; done < bytes; done += chunk) {
                int n = (int) Math.min(chunk, bytes - done);
                buffer.clear().limit(n);
                fill(buffer, hole + done);
                file.writeAt(buffer, hole + done);
            }
            Map<String, Object> during = pool.status();
            String failure = check(file, hole, bytes);
            if (failure != null) {
                io.err().println("pool selftest failed: " + failure);
                return 1;
            }
            file.truncate(hole);
            if (file.size() != hole) {
                io.err().println("pool selftest failed: size after truncate is " + file.size() + ", not " + hole);
                return 1;
            }
            io.out().println("pool selftest OK: wrote and read back " + bytes + " bytes after a " + hole
                    + "-byte hole");
            print(io, during);
        }
        return 0;
    }

    private static String check(PoolFile file, long hole, long bytes) throws IOException {
        if (file.size() != hole + bytes) {
            return "size is " + file.size() + ", not " + (hole + bytes);
        }
        if (file.nextRegionOffset(0, RegionType.HOLE) != 0) {
            return "offset 0 is not a hole";
        }
        long data = file.nextRegionOffset(0, RegionType.DATA);
        if (data > hole) {
            return "first data at " + data + ", after the written data at " + hole;
        }
        ByteBuffer zeros = ByteBuffer.allocate((int) hole);
        file.readAt(zeros, 0);
        for (int i = 0; i < hole; i++) {
            if (zeros.get(i) != 0) {
                return "the hole reads " + zeros.get(i) + " at offset " + i;
            }
        }
        ByteBuffer got = ByteBuffer.allocate(1 << 20);
        ByteBuffer want = ByteBuffer.allocate(1 << 20);
        for (long done = 0; done < bytes; done += got.capacity()) {
            int n = (int) Math.min(got.capacity(), bytes - done);
            got.clear().limit(n);
            while (got.hasRemaining()) {
                if (file.readAt(got, hole + done + got.position()) < 0) {
                    return "unexpected end of file at " + (hole + done + got.position());
                }
            }
            want.clear().limit(n);
            fill(want, hole + done);
            got.flip();
            if (!got.equals(want)) {
                return "data differs in the 1MiB block at offset " + (hole + done);
            }
        }
        return null;
    }

    /** Fills {@code [position, limit)} with a pattern of the file offset, leaving position and limit alone. */
    private static void fill(ByteBuffer buffer, long offset) {
        for (int i = buffer.position(); i < buffer.limit(); i++) {
            long p = offset + i;
            buffer.put(i, (byte) (p * 31 + (p >>> 12)));
        }
    }

    private static void print(CommandIo io, Map<String, Object> status) {
        status.forEach((k, v) -> io.out().println("  " + k + ": " + v));
    }
}
