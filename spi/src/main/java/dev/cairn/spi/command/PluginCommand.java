package dev.cairn.spi.command;

import dev.cairn.spi.HostContext;
import dev.cairn.spi.Named;

import java.util.List;

/**
 * A command a plugin adds to the {@code cairn} launcher, e.g. {@code cairn sync}. The host lists it in
 * {@code cairn --help} with its {@link #summary()} and passes the arguments after the command's name unparsed: the
 * command parses them (and answers {@code --help}) itself.
 */
public interface PluginCommand extends Named {
    /** @return one line for {@code cairn --help} */
    String summary();

    /**
     * Runs the command.
     *
     * @param args the arguments after the command's name
     * @param io the standard streams
     * @param context the host; only what the command asks for is created
     * @return the exit code: 0 ok, 1 failure, 2 usage or configuration error
     * @throws Exception on failure; the host prints it as one line and exits with 1
     */
    int run(List<String> args, CommandIo io, HostContext context) throws Exception;
}
