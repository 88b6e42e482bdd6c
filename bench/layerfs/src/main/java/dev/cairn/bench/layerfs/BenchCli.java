package dev.cairn.bench.layerfs;

import dev.cairn.layerfs.LayerfsCommand;
import dev.cairn.layerfs.LayerfsConfig;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.testkit.FakeHostContext;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * Runs {@code cairn layerfs ...} without the host (home = current directory, store from {@code -Dlayerfs.store}),
 * plus {@code throttle <in> <out> <bytes/s>}: copies a file into a growing file at a fixed rate (a slow registry).
 */
public final class BenchCli {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("throttle")) {
            throttle(Path.of(args[1]), Path.of(args[2]), Long.parseLong(args[3]));
            return;
        }
        Path home = Path.of("").toAbsolutePath();
        FakeHostContext ctx = new FakeHostContext(home).withSection("layerfs",
                new LayerfsConfig(System.getProperty("layerfs.store", "var/layerfs"), null, null));
        CommandIo io = new CommandIo(System.in, System.out, System.err, false);
        System.exit(new LayerfsCommand().run(List.of(args), io, ctx));
    }

    private static void throttle(Path in, Path out, long bytesPerSecond) throws Exception {
        byte[] buf = new byte[64 * 1024];
        long start = System.nanoTime();
        long sent = 0;
        try (InputStream src = Files.newInputStream(in);
             OutputStream dst = Files.newOutputStream(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            int n;
            while ((n = src.read(buf)) > 0) {
                dst.write(buf, 0, n);
                dst.flush();
                sent += n;
                long due = start + sent * 1_000_000_000L / bytesPerSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
    }

    private BenchCli() {
    }

    static String join(String[] a) {
        return String.join(" ", Arrays.asList(a));
    }
}
