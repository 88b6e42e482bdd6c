package dev.cairn.sparse;

import dev.cairn.spi.HostContext;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.command.PluginCommand;
import dev.cairn.spi.io.FileIoProcessor;
import dev.cairn.spi.io.FileIoProcessorFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** {@code cairn sync <file> <url|path>}: hole-aware sync of a sparse file to a sync server or a local path. */
public final class SyncCommand implements PluginCommand {
    static final String USAGE = """
            usage: cairn sync [options] <file> <http://host:port/path | local-path>
              Sends <file> to a sync server (or copies it locally), holes as holes; when the target exists only
              batches whose SHA-256 differs are sent, so an interrupted sync resumes where it stopped.
              --batch-size SIZE   checksum/transfer batch, multiple of 4KiB (default 2MiB)
              --workers N         parallel requests (default 4)
              --no-verify         skip the final whole-file digest comparison
              --fast              skip the file when both sides carry the digest of the last verified sync
              --token TOKEN       bearer token (default: $CAIRN_SYNC_TOKEN)
              --timeout DURATION  per-request timeout (default 60s)
              --retries N         attempts per request on transport errors, 5xx and 429 (default 6)
            """;

    @Override
    public String name() {
        return "sync";
    }

    @Override
    public String summary() {
        return "Sync a sparse file to a sync server or a local path, holes preserved";
    }

    @Override
    public int run(List<String> rawArgs, CommandIo io, HostContext ctx) throws Exception {
        Args args;
        SyncOptions options;
        RetryPolicy retry;
        Duration timeout;
        try {
            args = Args.parse(rawArgs, Set.of("batch-size", "workers", "token", "timeout", "retries"),
                    Set.of("no-verify", "fast", "help"));
            if (args.flag("help")) {
                io.out().print(USAGE);
                return 0;
            }
            if (args.positional().size() != 2) {
                throw new UsageException("expected a source file and a target, got " + args.positional().size()
                        + " arguments");
            }
            long batch = args.size("batch-size", SyncOptions.DEFAULT_BATCH);
            if (batch > Integer.MAX_VALUE) {
                throw new UsageException("--batch-size must be below 2GiB");
            }
            options = new SyncOptions((int) batch, args.integer("workers", 4), !args.flag("no-verify"),
                    args.flag("fast"));
            RetryPolicy d = RetryPolicy.defaults();
            retry = new RetryPolicy(args.integer("retries", d.attempts()), d.initialBackoff(), d.maxBackoff(),
                    d.sleeper());
            timeout = args.duration("timeout", Duration.ofSeconds(60));
        } catch (UsageException | IllegalArgumentException e) {
            io.err().println("cairn sync: " + e.getMessage());
            io.err().print(USAGE);
            return 2;
        }
        Path source = Path.of(args.positional().get(0)).toAbsolutePath();
        String to = args.positional().get(1);
        if (!Files.isRegularFile(source)) {
            io.err().println("cairn sync: source " + source + " is not a regular file.");
            return 1;
        }
        FileIoProcessorFactory fileIo = ctx.fileIo();
        SyncTarget target;
        if (to.startsWith("http://") || to.startsWith("https://")) {
            String token = args.get("token", System.getenv("CAIRN_SYNC_TOKEN"));
            try {
                target = new HttpSyncTarget(URI.create(to), token, timeout, retry);
            } catch (IllegalArgumentException e) {
                io.err().println("cairn sync: " + e.getMessage());
                return 2;
            }
        } else {
            Path dst = Path.of(to).toAbsolutePath();
            if (Files.isDirectory(dst)) {
                dst = dst.resolve(source.getFileName());
            }
            if (Files.exists(dst, LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(source, dst)) {
                io.err().println("cairn sync: source and target are the same file: " + dst);
                return 1;
            }
            target = new TargetFile(dst, fileIo);
        }
        try (FileIoProcessor src = fileIo.open(source, Set.of(StandardOpenOption.READ))) {
            Progress progress = new Progress("sync", src.size(), ctx.clock(), io.err(), io.terminal());
            SyncSummary summary;
            try (ProgressTicker ticker = new ProgressTicker(progress, io.terminal())) {
                summary = new SyncEngine(options, w -> io.err().println("cairn sync: warning: " + w))
                        .run(src, source, target, progress);
                ticker.done();
            }
            io.out().println(summary.line());
            return 0;
        } catch (VerificationException e) {
            io.err().println("cairn sync: " + e.getMessage() + "; nothing was recorded, run the sync again.");
            return 1;
        } catch (IOException e) {
            io.err().println("cairn sync: sync of " + source + " to " + to + " failed: " + e.getMessage()
                    + " (a rerun resumes: unchanged batches are skipped).");
            return 1;
        }
    }
}
