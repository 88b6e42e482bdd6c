package dev.cairn.layerfs;

import dev.cairn.layerfs.archive.LayerIndex;
import dev.cairn.layerfs.store.ImageImporter;
import dev.cairn.layerfs.store.ImageRecord;
import dev.cairn.layerfs.store.LayerStore;
import dev.cairn.layerfs.store.StoredLayer;
import dev.cairn.layerfs.stream.LayerSources;
import dev.cairn.layerfs.stream.StreamingLayer;
import dev.cairn.layerfs.trace.AccessTracer;
import dev.cairn.layerfs.trace.LayerPacker;
import dev.cairn.layerfs.trace.Ranking;
import dev.cairn.layerfs.trace.TraceFile;
import dev.cairn.layerfs.trace.TraceRecord;
import dev.cairn.layerfs.union.Mounts;
import dev.cairn.layerfs.union.UnionFs;
import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.HostContext;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.command.PluginCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code cairn layerfs}: import images into the layer store, mount them as a union file system (optionally from
 * layer streams still arriving, with access tracing), merge traces into rankings and repack layers by ranking.
 */
public final class LayerfsCommand implements PluginCommand {
    @Override
    public String name() {
        return "layerfs";
    }

    @Override
    public String summary() {
        return "container image layers as a union FUSE file system (import, mount, optimize, pack, ls, rm)";
    }

    @Override
    public int run(List<String> args, CommandIo io, HostContext context) {
        LayerfsConfig config;
        try {
            config = context.section("layerfs", LayerfsConfig.class);
        } catch (ConfigurationException e) {
            io.err().println(e.getMessage());
            return 2;
        }
        Root root = new Root(context, config, io);
        CommandLine cli = new CommandLine(root);
        cli.setOut(new PrintWriter(io.out(), true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(io.err(), true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            io.err().println("layerfs " + cmd.getCommandName() + " failed: " + ex.getMessage());
            return ex instanceof ConfigurationException ? 2 : 1;
        });
        cli.setParameterExceptionHandler((ex, a) -> {
            io.err().println(ex.getMessage() + ".");
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return 2;
        });
        return cli.execute(args.toArray(String[]::new));
    }

    @Command(name = "layerfs", mixinStandardHelpOptions = true,
            description = "Container image layers as a union FUSE file system.",
            subcommands = {Import.class, Ls.class, Rm.class, Mount.class, Optimize.class, Pack.class})
    static final class Root implements Callable<Integer> {
        final HostContext context;
        final LayerfsConfig config;
        final CommandIo io;

        Root(HostContext context, LayerfsConfig config, CommandIo io) {
            this.context = context;
            this.config = config;
            this.io = io;
        }

        LayerStore store() throws IOException {
            return new LayerStore(context.resolve(config.storeDir()));
        }

        @Override
        public Integer call() {
            io.err().println("layerfs needs a subcommand: import, ls, rm, mount, optimize or pack (see --help).");
            return 2;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import an OCI image layout, a docker-save archive or a layer tarball (.tar, .tar.gz).")
    static final class Import implements Callable<Integer> {
        @CommandLine.ParentCommand Root root;
        @Parameters(index = "0", paramLabel = "SOURCE") String source;
        @Option(names = "--name", description = "image name to record (default: the archive's own reference)") String name;

        @Override
        public Integer call() throws IOException {
            ImageRecord image = new ImageImporter(root.store()).importImage(root.context.resolve(source), name);
            root.io.out().println(image.name() + " " + String.join(" ", image.layers()));
            return 0;
        }
    }

    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List images and layers of the store.")
    static final class Ls implements Callable<Integer> {
        @CommandLine.ParentCommand Root root;

        @Override
        public Integer call() throws IOException {
            LayerStore store = root.store();
            for (ImageRecord i : store.images()) {
                root.io.out().println("image " + i.name() + " layers=" + i.layers().size());
            }
            for (StoredLayer l : store.layers()) {
                root.io.out().println("layer " + l.digest() + " refs=" + l.refs() + (l.complete() ? " complete" : " incomplete"));
            }
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove an image (and layers no other image uses), or with --layer an unreferenced layer.")
    static final class Rm implements Callable<Integer> {
        @CommandLine.ParentCommand Root root;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--layer", description = "NAME is a layer digest") boolean layer;

        @Override
        public Integer call() throws IOException {
            if (layer) {
                root.store().removeLayer(name);
                root.io.out().println("removed " + name);
            } else {
                for (String d : root.store().removeImage(name)) {
                    root.io.out().println("removed " + d);
                }
            }
            return 0;
        }
    }

    @Command(name = "mount", mixinStandardHelpOptions = true,
            description = "Mount an image (and/or layer streams still arriving) with a writable layer; runs until unmounted or interrupted.")
    static final class Mount implements Callable<Integer> {
        @CommandLine.ParentCommand Root root;
        @Option(names = "--image", description = "image name in the store, or a layout/archive path to import") String image;
        @Option(names = "--stream", description = "layer stream (file being written, or http(s) URL) stacked on top; repeatable")
        List<String> streams = new ArrayList<>();
        @Option(names = "--rw", required = true, description = "the writable layer's directory (kept across mounts)") Path rw;
        @Option(names = "--trace", description = "record first accesses to this trace file") Path trace;
        @Option(names = "--wait-timeout", description = "longest wait for content still arriving (default: sections.layerfs.waitTimeout)")
        String waitTimeout;
        @Parameters(index = "0", paramLabel = "MOUNTPOINT") Path mountPoint;

        @Override
        public Integer call() throws Exception {
            if (image == null && streams.isEmpty()) {
                root.io.err().println("mount needs --image or --stream.");
                return 2;
            }
            Duration wait = waitTimeout == null ? root.config.waitTimeout() : Durations.parse(waitTimeout, "--wait-timeout");
            if (!Mounts.fuseAvailable()) {
                root.io.err().println("FUSE is not available here: /dev/fuse or libfuse.so.2 is missing (apt-get install libfuse2 fuse3).");
                return 1;
            }
            LayerStore store = root.store();
            List<LayerIndex> lowers = new ArrayList<>();
            List<String> layerDigests = new ArrayList<>();
            if (image != null) {
                Path asPath = root.context.resolve(image);
                ImageRecord record = Files.exists(asPath) && !image.contains(":") || Files.isDirectory(asPath)
                        ? new ImageImporter(store).importImage(asPath, null)
                        : store.image(image).orElseThrow(() -> new IOException("no image named '" + image + "' in " + store.root()));
                layerDigests.addAll(record.layers());
                for (String d : record.layers()) {
                    lowers.add(store.open(d));
                }
            }
            List<StreamingLayer> live = new ArrayList<>();
            for (String s : streams) {
                StreamingLayer layer = StreamingLayer.start(store, LayerSources.open(s, root.config.streamIdleTimeout(),
                        root.context.home()), null);
                live.add(layer);
                lowers.add(layer.index());
            }
            Collections.reverse(lowers);
            Path rwDir = root.context.resolve(rw.toString());
            checkLayersOfRw(rwDir, layerDigests, streams.isEmpty());
            Path mp = root.context.resolve(mountPoint.toString());
            AccessTracer tracer = trace == null ? AccessTracer.NONE : TraceFile.create(root.context.resolve(trace.toString()));
            UnionFs fs = new UnionFs(lowers, rwDir.resolve("upper"), rwDir.resolve("work"), wait, tracer);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                fs.unmount(mp);
                stopped.countDown();
            }, "layerfs-unmount");
            fs.mountAt(mp);
            Runtime.getRuntime().addShutdownHook(hook);
            root.io.out().println("mounted " + mp);
            root.io.out().flush();
            try {
                while (Mounts.isMounted(mp) && !stopped.await(200, TimeUnit.MILLISECONDS)) {
                    // runs until unmounted from outside (fusermount -u) or interrupted
                }
            } finally {
                if (stopped.getCount() > 0) {
                    Runtime.getRuntime().removeShutdownHook(hook);
                    fs.unmount(mp);
                }
                for (StreamingLayer l : live) {
                    l.close();
                }
                tracer.close();
            }
            return 0;
        }

        private static void checkLayersOfRw(Path rwDir, List<String> digests, boolean check) throws IOException {
            Files.createDirectories(rwDir);
            Path f = rwDir.resolve("layers");
            if (!check) {
                return;
            }
            if (Files.exists(f)) {
                List<String> before = Files.readAllLines(f, StandardCharsets.UTF_8);
                if (!before.equals(digests)) {
                    throw new IOException("writable layer " + rwDir + " belongs to other layers " + before);
                }
            } else {
                Files.write(f, digests, StandardCharsets.UTF_8);
            }
        }
    }

    @Command(name = "optimize", mixinStandardHelpOptions = true,
            description = "Merge traces of one workload group into a ranking (files needed first come first).")
    static final class Optimize implements Callable<Integer> {
        @CommandLine.ParentCommand Root root;
        @Parameters(arity = "1..*", paramLabel = "TRACE") List<Path> traces;
        @Option(names = "--group", required = true, description = "workload group name") String group;
        @Option(names = "--out", description = "ranking file (default: <store>/rankings/<group>.ranking)") Path out;

        @Override
        public Integer call() throws IOException {
            List<List<TraceRecord>> all = new ArrayList<>();
            for (Path t : traces) {
                all.add(TraceFile.read(root.context.resolve(t.toString())));
            }
            Ranking ranking = Ranking.merge(group, all);
            Path file = out != null ? root.context.resolve(out.toString())
                    : root.store().root().resolve("rankings").resolve(group + ".ranking");
            ranking.write(file);
            root.io.out().println(file + " " + ranking.paths().size() + " files");
            return 0;
        }
    }

    @Command(name = "pack", mixinStandardHelpOptions = true,
            description = "Rewrite a layer stream with a table of contents and files in ranking order.")
    static final class Pack implements Callable<Integer> {
        @CommandLine.ParentCommand Root root;
        @Parameters(index = "0", paramLabel = "LAYER") Path input;
        @Option(names = {"-o", "--out"}, required = true) Path out;
        @Option(names = "--ranking", description = "ranking file from optimize") Path ranking;
        @Option(names = "--group", description = "use <store>/rankings/<group>.ranking") String group;
        @Option(names = "--gzip", description = "gzip the output") boolean gzip;

        @Override
        public Integer call() throws IOException {
            Ranking r = null;
            if (ranking != null) {
                r = Ranking.read(root.context.resolve(ranking.toString()));
            } else if (group != null) {
                r = Ranking.read(root.store().root().resolve("rankings").resolve(group + ".ranking"));
            }
            Path o = root.context.resolve(out.toString());
            LayerPacker.Packed p = LayerPacker.pack(root.context.resolve(input.toString()), r, o, gzip);
            root.io.out().println(o + " entries=" + p.entries() + " ranked=" + p.ranked());
            return 0;
        }
    }
}
