package dev.cairn.host.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CairnCliTest {
    @TempDir
    Path home;

    record Result(int code, String out, String err) {
        String firstErrLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    private Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Bootstrap bootstrap = new Bootstrap(home, env::get, getClass().getClassLoader());
        int code = new CairnCli(bootstrap, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false).run(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result run(String... args) {
        return run(Map.of(), args);
    }

    private Path config(String yaml) throws Exception {
        return Files.writeString(home.resolve("test.yaml"), yaml);
    }

    @Test
    void helpListsBuiltInAndPluginCommands() {
        Result r = run("--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("plugins") && r.out().contains("serve") && r.out().contains("config"), r.out());
        assertTrue(r.out().contains("hello") && r.out().contains("print the arguments"), r.out());
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args : new String[][]{{"plugins", "--help"}, {"config", "check", "--help"},
                {"serve", "--help"}, {"config", "show", "--help"}, {"hello", "--help"}}) {
            Result r = run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().toLowerCase().contains("usage"), String.join(" ", args) + ": " + r.out());
        }
    }

    @Test
    void pluginsListsTheClassPathFactories() {
        Result r = run("plugins");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("ID"), r.out());
        assertTrue(r.out().contains("classpath") && r.out().contains("store:alpha")
                && r.out().contains("io mode:buffered") && r.out().contains("command:hello"), r.out());
    }

    @Test
    void configCheckAcceptsAValidConfig() throws Exception {
        Result r = run("config", "check", "--config", config("cache: {stores: [{type: alpha, maxSize: 1GiB}]}").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("config OK: "), r.out());
        assertTrue(r.out().contains("cache.stores[0]: alpha"), r.out());
    }

    @Test
    void aBadConfigExitsTwoWithOneReadableLineFirst() throws Exception {
        Result r = run("--config", config("cache: {stores: [{type: nope}]}").toString(), "config", "check");
        assertEquals(2, r.code());
        assertTrue(r.firstErrLine().startsWith(
                "cairn: configuration error: cache.stores[0].type: unknown store 'nope'; available: alpha"),
                r.firstErrLine());
    }

    @Test
    void cairnConfigEnvironmentVariableIsTheDefault() throws Exception {
        Path file = config("io: {mode: direct}\n");
        Result r = run(Map.of("CAIRN_CONFIG", file.toString()), "config", "show");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("# " + file), r.out());
        assertTrue(r.out().contains("mode: \"direct\"") || r.out().contains("mode: direct"), r.out());
    }

    @Test
    void withoutAnyConfigTheEmbeddedDefaultIsUsed() {
        Result r = run("config", "show");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("# embedded default configuration"), r.out());
    }

    @Test
    void configShowMasksSecrets() throws Exception {
        Result r = run(Map.of("KEY", "hunter2"), "config", "show", "--config",
                config("cache: {stores: [{type: s3, secretKey: '${KEY}'}]}").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(!r.out().contains("hunter2") && r.out().contains("****"), r.out());
    }

    @Test
    void aMissingConfigFileIsAUsageError() {
        Result r = run("--config", home.resolve("absent.yaml").toString(), "plugins");
        assertEquals(2, r.code());
        assertTrue(r.firstErrLine().contains("absent.yaml does not exist"), r.firstErrLine());
    }

    @Test
    void anUnknownCommandListsTheCommands() {
        Result r = run("frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.firstErrLine().startsWith("cairn: unknown command 'frobnicate'; commands: config, hello, help"),
                r.firstErrLine());
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        Result r = run("plugins", "--colour");
        assertEquals(2, r.code());
        assertTrue(r.firstErrLine().contains("Unknown option: '--colour'"), r.firstErrLine());
    }

    @Test
    void pluginCommandsGetTheirArgumentsWithoutTheHostsConfigOption() throws Exception {
        Path file = config("{}");
        Result r = run("hello", "--config", file.toString(), "big", "world");
        assertEquals(0, r.code(), r.err());
        assertEquals("hello big world", r.out().strip());
        assertEquals(1, run("hello", "--fail").code());
    }
}
