package dev.cairn.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProjectCliTest {
    @TempDir
    Path tmp;
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    int run(String... args) {
        return ProjectCli.run(List.of(args), out, err);
    }

    String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsUsage() {
        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("Usage: cairn project --from <dir|json-file> <target-dir> [--watch]"), out());
        assertEquals("", err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no arguments        |                                  | missing --from",
        "no target           | --from x                         | missing <target-dir>",
        "--from no value     | --from                           | --from needs a value",
        "two targets         | --from x a b                     | expected one <target-dir>",
        "unknown option      | --from x t --force               | unknown option --force",
        "poll without watch  | --from x t --poll-interval 1s    | --poll-interval needs --watch",
        "bad duration        | --from x t --watch --poll-interval soon | must be a duration",
    })
    void badArgumentsExit2WithOneLine(String name, String args, String expected) {
        String[] argv = args == null ? new String[0] : args.trim().split("\\s+");
        assertEquals(2, run(argv), name);
        assertTrue(err().contains(expected), err());
        assertEquals(1, err().lines().count(), err());
        assertEquals("", out());
    }

    @Test
    void projectsADirectory() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src/sub"));
        Files.writeString(src.resolve("f"), "nested");
        Files.writeString(tmp.resolve("src/top"), "top");
        Path target = tmp.resolve("target");

        assertEquals(0, run("--from", tmp.resolve("src").toString(), target.toString()), err());

        assertEquals("nested", Files.readString(target.resolve("sub/f")));
        assertEquals("top", Files.readString(target.resolve("top")));
        assertTrue(Files.isSymbolicLink(target.resolve("..data")));
        assertTrue(out().startsWith("projected 2 files from "), out());

        assertEquals(0, run("--from=" + tmp.resolve("src"), target.toString()));
        assertTrue(out().contains("(unchanged)"), out());
    }

    @Test
    void targetInsideTheSourceTreeIsRefused() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("f"), "x");
        assertEquals(2, run("--from", src.toString(), src.resolve("out").toString()));
        assertTrue(err().contains("must not be inside the source"), err());
        assertEquals(2, run("--from", src.toString(), tmp.toString()));
        assertFalse(Files.exists(src.resolve("out")));
        assertFalse(Files.exists(tmp.resolve("..data")));
    }

    @Test
    void projectsJson() throws IOException {
        Path json = Files.writeString(tmp.resolve("p.json"), "{\"k\": {\"base64\": \"aGk=\", \"mode\": \"0600\"}}");
        Path target = tmp.resolve("target");
        assertEquals(0, run("--from", json.toString(), target.toString()), err());
        assertEquals("hi", Files.readString(target.resolve("k")));
        assertEquals(0600, AtomicWriter.mode(Files.getPosixFilePermissions(target.resolve("k"))));
    }

    @Test
    void errorsExit1WithOneReadableLineAndWriteNothing() throws IOException {
        Path target = tmp.resolve("target");
        assertEquals(1, run("--from", tmp.resolve("missing").toString(), target.toString()));
        assertTrue(err().startsWith("cairn project: "), err());
        assertTrue(err().contains("no such directory or JSON file"), err());

        errBytes.reset();
        Path json = Files.writeString(tmp.resolve("p.json"), "{\"../etc/passwd\": {\"content\": \"x\"}}");
        assertEquals(1, run("--from", json.toString(), target.toString()));
        assertTrue(err().contains("must not contain '..'"), err());
        assertEquals(1, err().lines().count(), err());
        assertFalse(Files.exists(target.resolve("..data")));
    }

    @Test
    @Timeout(30)
    void watchReprojectsOnChangeUntilInterrupted() throws Exception {
        Path json = Files.writeString(tmp.resolve("p.json"), "{\"v\": {\"content\": \"1\"}}");
        Path target = tmp.resolve("target");
        AtomicInteger exit = new AtomicInteger(-1);
        Thread cli = new Thread(() -> exit.set(run("--from", json.toString(), target.toString(), "--watch",
                "--poll-interval", "200ms", "--debounce", "10ms")));
        cli.start();
        try {
            Eventually.await("first projection", () -> Files.exists(target.resolve("v"))
                    && "1".equals(Files.readString(target.resolve("v"))));
            // replace the file the way editors and kubectl do: write beside it, rename over it
            Path next = Files.writeString(tmp.resolve("p.json.tmp"), "{\"v\": {\"content\": \"2\"}, \"w\": "
                    + "{\"content\": \"new\"}}");
            Files.move(next, json, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Eventually.await("second projection", () -> Files.exists(target.resolve("w"))
                    && "2".equals(Files.readString(target.resolve("v"))));
        } finally {
            cli.interrupt();
            cli.join(10_000);
        }
        assertFalse(cli.isAlive());
        assertEquals(0, exit.get());
        assertTrue(out().contains("watching "), out());
    }
}
