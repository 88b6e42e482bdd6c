package dev.cairn.fuse.builddir;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.HostContext;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.command.PluginCommand;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.store.Store;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cairn builddir mount|outputs}: a FUSE build directory over a manifest, and the upload of its outputs.
 *
 * <p>Inputs are read from the configured store's {@code source} namespace: key = SHA-256 hex of the content, blob
 * name {@code content}. Files the build writes live in the configured file pool ({@code pool}); with
 * {@code --pool temp}, or {@code auto} when no pool is configured, in unlinked temporary files.
 */
public final class BuildDirCommand implements PluginCommand {
    static final String USAGE = """
            Usage: cairn builddir mount [--pool auto|host|temp] [--temp-dir <dir>] <manifest.json> <mountpoint>
                   cairn builddir outputs <mountpoint> <path>...
              mount    shows the manifest's tree at <mountpoint> (FUSE) until SIGTERM or fusermount -u;
                       content comes from the store's 'source' namespace on first read; a stale mount left
                       by a killed process is reported and lazily unmounted first.
                       --pool: where written files live: host = the configured pool, temp = temporary files,
                       auto (default) = the configured pool when there is one, else temporary files.
                       --temp-dir: where temporary pool files and the cache of fetched inputs live.
              outputs  uploads files below <mountpoint> to the store's 'source' namespace and prints
                       '<sha256> <size> <path>' for each.""";

    @Override
    public String name() {
        return "builddir";
    }

    @Override
    public String summary() {
        return "mount a FUSE build directory from a manifest; upload its outputs";
    }

    @Override
    public int run(List<String> args, CommandIo io, HostContext context) throws Exception {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h")) {
            io.out().println(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "mount" -> mount(rest, io, context);
            case "outputs" -> outputs(rest, io, context);
            default -> usage(io, "unknown subcommand '" + args.get(0) + "'; expected mount or outputs");
        };
    }

    private static int usage(CommandIo io, String message) {
        io.err().println("cairn builddir: " + message + ".");
        io.err().println(USAGE);
        return 2;
    }

    private int mount(List<String> args, CommandIo io, HostContext context) throws Exception {
        String poolMode = "auto";
        Path tempDir = Path.of(System.getProperty("java.io.tmpdir"));
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("--pool") || a.equals("--temp-dir")) && i + 1 >= args.size()) {
                return usage(io, a + " needs a value");
            }
            if (a.equals("--pool")) {
                poolMode = args.get(++i);
            } else if (a.equals("--temp-dir")) {
                tempDir = Path.of(args.get(++i));
            } else if (a.startsWith("-")) {
                return usage(io, "unknown option '" + a + "'");
            } else {
                positional.add(a);
            }
        }
        if (positional.size() != 2) {
            return usage(io, "mount needs <manifest.json> and <mountpoint>");
        }
        if (!List.of("auto", "host", "temp").contains(poolMode)) {
            return usage(io, "--pool must be auto, host or temp, not '" + poolMode + "'");
        }
        Manifest manifest;
        try {
            manifest = Manifest.read(Path.of(positional.get(0)));
        } catch (NoSuchFileException e) {
            io.err().println("cairn builddir: the manifest " + positional.get(0) + " does not exist.");
            return 2;
        } catch (IllegalArgumentException | IOException e) {
            io.err().println("cairn builddir: invalid manifest " + positional.get(0) + ": " + e.getMessage());
            return 2;
        }
        FilePool pool = pool(poolMode, tempDir, context, io.err());
        Store source = context.store().namespace(StoreContentSource.NAMESPACE);
        BuildDirFileSystem fs;
        try {
            fs = new BuildDirFileSystem(manifest, new InputCache(new StoreContentSource(source), tempDir), pool,
                    context.clock(),
                    ownerId("uid"), ownerId("gid"));
        } catch (IllegalArgumentException e) {
            io.err().println("cairn builddir: invalid manifest " + positional.get(0) + ": " + e.getMessage());
            return 2;
        } catch (LinkageError e) {
            io.err().println("cairn builddir: libfuse 2 could not be loaded (install it: apt-get install fuse"
                    + " libfuse2): " + e.getMessage());
            return 1;
        }
        FuseMount mount;
        try {
            mount = FuseMount.mount(fs, Path.of(positional.get(1)), io.err(), Duration.ofSeconds(30));
        } catch (IOException e) {
            io.err().println("cairn builddir: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(() -> {
            if (closeQuietly(mount, io.err())) {
                io.out().println("unmounted " + mount.mountpoint() + " on shutdown");
                io.out().flush();
            }
        }, "cairn-builddir-unmount");
        Runtime.getRuntime().addShutdownHook(hook);
        io.out().println("mounted " + manifest.entries().size() + " entries at " + mount.mountpoint());
        io.out().flush();
        mount.awaitUnmounted();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return 0; // the hook unmounts
        }
        boolean clean = closeQuietly(mount, io.err());
        if (mount.failure().isPresent()) {
            io.err().println("cairn builddir: the FUSE loop failed: " + mount.failure().get().getMessage());
            return 1;
        }
        io.out().println("unmounted " + mount.mountpoint());
        return clean ? 0 : 1;
    }

    private static boolean closeQuietly(FuseMount mount, PrintStream err) {
        try {
            mount.close();
            return true;
        } catch (IOException e) {
            err.println("cairn builddir: " + e.getMessage());
            return false;
        }
    }

    private static FilePool pool(String mode, Path tempDir, HostContext context, PrintStream err) {
        if (mode.equals("temp")) {
            return new TempFilePool(tempDir);
        }
        try {
            return context.filePool();
        } catch (ConfigurationException e) {
            if (mode.equals("host")) {
                throw e;
            }
            err.println("cairn builddir: no file pool configured (" + e.getMessage()
                    + "); written files go to temporary files in " + tempDir);
            return new TempFilePool(tempDir);
        }
    }

    private static long ownerId(String which) throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:" + which)).longValue();
    }

    private int outputs(List<String> args, CommandIo io, HostContext context) throws Exception {
        if (args.size() < 2) {
            return usage(io, "outputs needs <mountpoint> and at least one <path>");
        }
        Store source = context.store().namespace(StoreContentSource.NAMESPACE);
        OutputUploader uploader = new OutputUploader(source, Path.of(System.getProperty("java.io.tmpdir")));
        List<OutputUploader.Uploaded> uploaded;
        try {
            uploaded = uploader.upload(Path.of(args.get(0)), args.subList(1, args.size()));
        } catch (IllegalArgumentException e) {
            io.err().println("cairn builddir: refusing output path: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            io.err().println("cairn builddir: could not upload outputs: " + e.getMessage());
            return 1;
        }
        for (OutputUploader.Uploaded u : uploaded) {
            io.out().println(u.sha256() + " " + u.size() + " " + u.path());
        }
        return 0;
    }
}
