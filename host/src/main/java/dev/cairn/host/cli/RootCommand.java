package dev.cairn.host.cli;

import dev.cairn.spi.SpiVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.util.concurrent.Callable;

/** {@code cairn}: prints help when run without a command. */
@Command(name = "cairn", mixinStandardHelpOptions = true, versionProvider = RootCommand.Version.class,
        description = "Cairn: a plugin host for the storage building blocks of build farms and container hosts.",
        subcommands = {PluginsCommand.class, ConfigCommand.class, ServeCommand.class, ProjectCommand.class,
                picocli.CommandLine.HelpCommand.class},
        footerHeading = "%n", commandListHeading = "%nCommands:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:failure", "2:usage or configuration error"})
final class RootCommand implements Callable<Integer> {
    final CairnCli cli;

    @Option(names = "--config", paramLabel = "<file>", scope = ScopeType.INHERIT,
            description = "configuration file (default: $CAIRN_CONFIG, else conf/cairn.yaml of the distribution, "
                    + "else the embedded default)")
    String config;

    RootCommand(CairnCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(cli.out());
        return ExitCodes.USAGE;
    }

    /** Prints the host and SPI versions. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RootCommand.class.getPackage().getImplementationVersion();
            return new String[]{"cairn " + (v == null ? "dev" : v) + " (SPI " + SpiVersion.CURRENT + ")"};
        }
    }
}
