package dev.cairn.it.example;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example third-party plugin ({@code examples/first-fit-allocator}, built on its own against the installed SPI)
 * is loaded by dropping its jar into {@code plugins/} of a copy of the distribution, and its allocator serves the
 * {@code block} pool in place of {@code bitmap} by a config edit alone.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExamplePluginTest {
    @TempDir
    static Path work;
    static Path home;

    record Result(int exit, String out, String err) {
        String all() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @BeforeAll
    static void installDistributionWithTheExamplePlugin() throws Exception {
        Path dist = Path.of(System.getProperty("cairn.dist", "../dist/target/cairn-0.1.0"));
        Path jar = Path.of(System.getProperty("cairn.example.jar",
                "../examples/first-fit-allocator/target/cairn-example-first-fit-allocator-1.0.0.jar"));
        assertTrue(Files.isExecutable(dist.resolve("bin/cairn")), "no distribution at " + dist
                + ": build it first (mvn -pl dist -am package)");
        assertTrue(Files.isRegularFile(jar), "example plugin jar missing: " + jar);
        home = work.resolve("cairn");
        // cp -a keeps the launcher's execute bit and any symlinks exactly as assembled.
        Result copy = run(work, List.of("cp", "-a", dist.toAbsolutePath().toString(), home.toString()));
        assertEquals(0, copy.exit(), copy.all());
        Files.createDirectories(home.resolve("plugins"));
        Files.copy(jar, home.resolve("plugins").resolve(jar.getFileName()));
    }

    static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    static Result cairn(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/cairn").toString());
        command.addAll(List.of(args));
        return run(home, command);
    }

    static Path config(String name, String allocator) throws IOException {
        return config(name, allocator, "buffered");
    }

    static Path config(String name, String allocator, String ioMode) throws IOException {
        Path yaml = work.resolve(name);
        Files.writeString(yaml, String.join("\n",
                "plugins:",
                "  dir: plugins",
                "pool:",
                "  type: block",
                "  allocator: " + allocator,
                "  path: var/" + name + ".img",
                "  size: 64MiB",
                "  sectorSize: 4KiB",
                "io:",
                "  mode: " + ioMode,
                ""));
        return yaml;
    }

    @Test
    void pluginsListsTheExamplePluginAndItsFactory() throws Exception {
        Result r = cairn("plugins");
        assertEquals(0, r.exit(), r.all());
        String line = r.out().lines().filter(l -> l.startsWith("first-fit-allocator ")).findFirst()
                .orElseThrow(() -> new AssertionError("first-fit-allocator not listed:\n" + r.all()));
        assertTrue(line.contains("1.0.0"), line);
        assertTrue(line.matches(".*\\bfirst-fit\\b(?!-).*"), "factory first-fit not listed: " + line);
        assertTrue(line.contains("cairn-example-first-fit-allocator-1.0.0.jar"), line);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("bitmap-allocator ")), r.all());
    }

    @Test
    void configCheckAcceptsThePoolWithTheFirstFitAllocator() throws Exception {
        Result r = cairn("config", "check", "--config", config("check.yaml", "first-fit").toString());
        assertEquals(0, r.exit(), r.all());
        assertTrue(r.out().startsWith("config OK"), r.all());
    }

    @Test
    void thePoolRunsOnTheFirstFitAllocatorAndSwitchingBackIsAConfigEdit() throws Exception {
        Result firstFit = cairn("--config", config("first-fit.yaml", "first-fit").toString(),
                "pool", "selftest", "--bytes", "4MiB");
        assertEquals(0, firstFit.exit(), firstFit.all());
        assertTrue(firstFit.out().startsWith("pool selftest OK"), firstFit.all());
        assertTrue(firstFit.out().contains("allocator: first-fit"), firstFit.all());
        // 4 MiB of data in 4 KiB sectors were in use while the test file was open.
        assertTrue(firstFit.out().contains("sectorsUsed: 1024"), firstFit.all());

        Result bitmap = cairn("--config", config("bitmap.yaml", "bitmap").toString(),
                "pool", "selftest", "--bytes", "4MiB");
        assertEquals(0, bitmap.exit(), bitmap.all());
        assertTrue(bitmap.out().contains("allocator: bitmap"), bitmap.all());

        Result direct = cairn("--config", config("first-fit-direct.yaml", "first-fit", "direct").toString(),
                "pool", "selftest", "--bytes", "4MiB");
        assertEquals(0, direct.exit(), direct.all());
        assertTrue(direct.out().contains("allocator: first-fit") && direct.out().contains("ioMode: direct"),
                direct.all());
    }

    @Test
    void anUnknownAllocatorIsAConfigurationError() throws Exception {
        Result r = cairn("--config", config("unknown.yaml", "no-such-allocator").toString(), "pool", "status");
        assertEquals(2, r.exit(), r.all());
        assertTrue(r.err().contains("no-such-allocator"), r.all());
    }
}
