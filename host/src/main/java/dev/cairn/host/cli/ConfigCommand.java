package dev.cairn.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cairn.host.config.ConfigBinder;
import dev.cairn.host.config.ConfigSource;
import dev.cairn.host.config.LoadedConfig;
import dev.cairn.host.lifecycle.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** {@code cairn config check|show|default}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check or show the configuration.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Show.class, ConfigCommand.Default.class})
final class ConfigCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(root.cli.err());
        return ExitCodes.USAGE;
    }

    /** Loads the config and the plugins, resolves and binds every role, creates nothing. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate the configuration against the loaded plugins without starting anything.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Override
        public Integer call() {
            CairnCli cli = parent.root.cli;
            try (Bootstrap.Session session = cli.bootstrap().open(parent.root.config)) {
                List<String> roles = session.host().validate();
                Server.serverConfig(session.host());
                cli.out().println("config OK: " + session.host().loaded().source().description());
                roles.forEach(r -> cli.out().println("  " + r));
                cli.out().println("effective configuration (environment substituted, secrets masked):");
                cli.out().print(effectiveYaml(session.host().loaded()));
                return ExitCodes.OK;
            }
        }
    }

    /** The config as YAML after {@code ${ENV}} substitution, secrets masked. */
    static String effectiveYaml(LoadedConfig loaded) {
        try {
            JsonNode tree = dev.cairn.host.config.SecretMasking.masked(loaded.tree());
            return ConfigBinder.newMapper().writeValueAsString(tree).replaceFirst("^---\\n", "");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot print the configuration", e);
        }
    }

    /** Prints the effective config after {@code ${ENV}} substitution, secrets masked. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print the effective configuration (environment substituted, secrets masked).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Override
        public Integer call() throws Exception {
            CairnCli cli = parent.root.cli;
            LoadedConfig loaded = cli.bootstrap().loadConfig(parent.root.config);
            cli.out().println("# " + loaded.source().description());
            cli.out().print(effectiveYaml(loaded));
            return ExitCodes.OK;
        }

    }

    /** Prints the embedded default configuration, a starting point for conf/cairn.yaml. */
    @Command(name = "default", mixinStandardHelpOptions = true,
            description = "Print the embedded default configuration.")
    static final class Default implements Callable<Integer> {
        @ParentCommand
        ConfigCommand parent;

        @Override
        public Integer call() throws Exception {
            try (InputStream in = ConfigCommand.class.getResourceAsStream(ConfigSource.EMBEDDED)) {
                parent.root.cli.out().print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            return ExitCodes.OK;
        }
    }
}
