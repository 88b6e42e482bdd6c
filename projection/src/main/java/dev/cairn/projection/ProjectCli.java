package dev.cairn.projection;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cairn project --from <dir|json> <target> [--watch]}: projects a directory tree or a JSON payload (format on
 * {@link ProjectionSource}) into a target directory with an {@link AtomicWriter}; with {@code --watch} it keeps
 * re-projecting when the source changes until the thread is interrupted (or the process is stopped).
 *
 * <p>Exit codes: 0 done (or {@code --help}), 1 the source cannot be read or projected, 2 bad arguments (including a
 * target inside a source tree, or a source tree inside the target, which would project each version into the next).
 */
public final class ProjectCli {
    /** The usage text printed by {@code --help}. */
    public static final String USAGE = String.join("\n",
            "Usage: cairn project --from <dir|json-file> <target-dir> [--watch] [--poll-interval <duration>]",
            "",
            "Projects the files of a directory tree or a JSON payload into <target-dir> atomically, as Kubernetes",
            "writes ConfigMap volumes: visible symlinks into ..data, which is swapped with one rename.",
            "",
            "  --from <path>             a directory tree, or a JSON file mapping paths to",
            "                            {\"content\": \"...\" | \"base64\": \"...\", \"mode\": \"0644\"}",
            "  --watch                   keep re-projecting when the source changes",
            "  --poll-interval <dur>     with --watch, also check this often (default 2s; e.g. 500ms, 10s)",
            "  --debounce <dur>          with --watch, wait until events are quiet this long (default 100ms)",
            "  -h, --help                print this help",
            "");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");

    private ProjectCli() {
    }

    /**
     * @param args the arguments after {@code project}
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        requireNonNull(args, "args is null");
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
        Options options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            err.println("cairn project: " + e.getMessage() + " (see cairn project --help)");
            return 2;
        }
        if (options == null) {
            out.print(USAGE);
            return 0;
        }
        try {
            ProjectionSource source = ProjectionSource.of(options.from);
            if (source instanceof DirectorySource && overlaps(options.from, options.target)) {
                // projecting a tree into itself would feed each version back in as the next one's payload
                err.println("cairn project: the target " + options.target + " must not be inside the source "
                        + options.from + " or contain it (see cairn project --help)");
                return 2;
            }
            AtomicWriter writer = new AtomicWriter(options.target);
            if (!options.watch) {
                SortedMap<String, PayloadFile> payload = source.read();
                boolean changed = writer.write(payload);
                out.println(describe(payload.size(), source, writer, changed));
                return 0;
            }
            return watch(source, writer, options, out, err);
        } catch (NoSuchFileException e) {
            err.println("cairn project: " + e.getFile() + ": no such directory or JSON file");
            return 1;
        } catch (InvalidPayloadException e) {
            err.println("cairn project: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("cairn project: cannot project " + options.from + " into " + options.target + ": " + e);
            return 1;
        }
    }

    private static int watch(ProjectionSource source, AtomicWriter writer, Options options, PrintStream out,
            PrintStream err) throws IOException {
        ProjectionWatcher.Listener listener = new ProjectionWatcher.Listener() {
            @Override
            public void projected(SortedMap<String, PayloadFile> payload, boolean changed) {
                if (changed) {
                    out.println(describe(payload.size(), source, writer, true));
                    out.flush();
                }
            }

            @Override
            public void failed(Exception error) {
                err.println("cairn project: keeping the previous projection: " + error.getMessage());
                err.flush();
            }
        };
        try (ProjectionWatcher watcher = new ProjectionWatcher(source, writer, options.pollInterval,
                options.debounce, listener)) {
            // The first projection must succeed: a watch that starts from a broken source is a usage mistake.
            watcher.checkNow();
            watcher.start();
            out.println("watching " + source.path() + " (stop with Ctrl-C)");
            out.flush();
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static boolean overlaps(Path from, Path target) throws IOException {
        Path source = from.toRealPath();
        Path dest = target.toAbsolutePath().normalize();
        // resolve the part of the target that exists, so a symlinked parent cannot hide the overlap
        Path existing = dest;
        while (existing != null && !java.nio.file.Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null) {
            dest = existing.toRealPath().resolve(existing.relativize(dest));
        }
        return dest.startsWith(source) || source.startsWith(dest);
    }

    private static String describe(int files, ProjectionSource source, AtomicWriter writer, boolean changed) {
        return "projected " + files + (files == 1 ? " file" : " files") + " from " + source.path() + " into "
                + writer.targetDir() + (changed ? "" : " (unchanged)");
    }

    private record Options(Path from, Path target, boolean watch, Duration pollInterval, Duration debounce) {
    }

    /** @return the options, or {@code null} for {@code --help} */
    private static Options parse(List<String> args) throws UsageException {
        String from = null;
        List<String> positional = new ArrayList<>();
        boolean watch = false;
        Duration poll = Duration.ofSeconds(2);
        Duration debounce = Duration.ofMillis(100);
        boolean pollGiven = false;
        boolean debounceGiven = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = requireNonNull(args.get(i), "argument is null");
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--watch" -> {
                    if (value != null) {
                        throw new UsageException("--watch takes no value");
                    }
                    watch = true;
                }
                case "--from", "--poll-interval", "--debounce" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageException(name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    switch (name) {
                        case "--from" -> {
                            if (from != null) {
                                throw new UsageException("--from given twice");
                            }
                            from = value;
                        }
                        case "--poll-interval" -> {
                            poll = duration(name, value, false);
                            pollGiven = true;
                        }
                        default -> {
                            debounce = duration(name, value, true);
                            debounceGiven = true;
                        }
                    }
                }
                case "--" -> {
                    positional.addAll(args.subList(i + 1, args.size()));
                    i = args.size();
                }
                default -> {
                    if (arg.startsWith("-") && arg.length() > 1) {
                        throw new UsageException("unknown option " + arg);
                    }
                    positional.add(arg);
                }
            }
        }
        if (from == null) {
            throw new UsageException("missing --from <dir|json-file>");
        }
        if (positional.isEmpty()) {
            throw new UsageException("missing <target-dir>");
        }
        if (positional.size() > 1) {
            throw new UsageException("expected one <target-dir>, got " + positional.size() + ": "
                    + String.join(" ", positional));
        }
        if (!watch && (pollGiven || debounceGiven)) {
            throw new UsageException((pollGiven ? "--poll-interval" : "--debounce") + " needs --watch");
        }
        try {
            return new Options(Path.of(from), Path.of(positional.get(0)), watch, poll, debounce);
        } catch (InvalidPathException e) {
            throw new UsageException("invalid path: " + e.getMessage());
        }
    }

    private static Duration duration(String option, String value, boolean zeroAllowed) throws UsageException {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UsageException(option + " must be a duration such as 500ms, 2s or 1m, not '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            default -> Duration.ofMinutes(n);
        };
        if (d.isZero() && !zeroAllowed) {
            throw new UsageException(option + " must be positive");
        }
        return d;
    }

    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
