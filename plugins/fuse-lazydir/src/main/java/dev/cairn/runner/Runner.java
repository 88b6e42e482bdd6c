package dev.cairn.runner;

import dev.cairn.spi.dir.Directory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs actions in fresh subdirectories of a build directory. The build directory is a lazy directory, so a runner
 * created before the worker mounts, or kept while the worker re-mounts, always works in what is mounted now: each
 * action creates its subdirectory through a fresh open, the command's working directory is resolved by the kernel
 * when the command starts, and the subdirectory is removed (without following symlinks) when it ends.
 */
public final class Runner {
    private final Directory buildDir;
    private final Path buildDirPath;
    private final Supplier<String> names;

    /**
     * @param buildDir the build directory, normally a {@link dev.cairn.dir.LazyDirectory}
     * @param buildDirPath its path, for the command's working directory
     * @param names action directory names; retried when a name exists
     */
    public Runner(Directory buildDir, Path buildDirPath, Supplier<String> names) {
        this.buildDir = Objects.requireNonNull(buildDir, "buildDir is null");
        this.buildDirPath = Objects.requireNonNull(buildDirPath, "buildDirPath is null");
        this.names = Objects.requireNonNull(names, "names is null");
    }

    /**
     * Runs one action and cleans its directory.
     *
     * @param command the program and its arguments
     * @param out receives the command's standard output
     * @param err receives the command's standard error, and cleanup problems
     * @return the command's exit code
     * @throws IOException when the action directory cannot be created or the command cannot start
     * @throws InterruptedException when interrupted while waiting (the command is killed)
     */
    public int run(List<String> command, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to run");
        }
        String name = createActionDir();
        try {
            Process p = new ProcessBuilder(command).directory(buildDirPath.resolve(name).toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().close();
            Thread o = pump(p.getInputStream(), out);
            Thread e = pump(p.getErrorStream(), err);
            try {
                int rc = p.waitFor();
                o.join();
                e.join();
                return rc;
            } catch (InterruptedException ie) {
                p.destroyForcibly();
                throw ie;
            }
        } finally {
            try {
                buildDir.removeAll(name);
            } catch (IOException cleanup) {
                err.println("cairn runner: could not remove the action directory " + name + ": "
                        + cleanup.getMessage());
            }
        }
    }

    private String createActionDir() throws IOException {
        for (int attempt = 0; ; attempt++) {
            String name = names.get();
            try {
                buildDir.mkdir(name, 0755);
                return name;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 9) {
                    throw e;
                }
            }
        }
    }

    private static Thread pump(InputStream in, OutputStream out) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (out) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException ignored) {
                // the process ended and closed its pipe: nothing more to copy
            }
        }, "cairn-runner-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
