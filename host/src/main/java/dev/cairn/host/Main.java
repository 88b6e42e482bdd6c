package dev.cairn.host;

import dev.cairn.host.cli.Bootstrap;
import dev.cairn.host.cli.CairnCli;

import java.nio.file.Path;

/** Entry point of {@code bin/cairn}. The home is {@code -Dcairn.home}, else the working directory. */
public final class Main {
    private Main() {
    }

    /**
     * @param args the command line
     */
    public static void main(String[] args) {
        String home = System.getProperty("cairn.home");
        Bootstrap bootstrap = new Bootstrap(Path.of(home == null ? "." : home), System::getenv,
                Main.class.getClassLoader());
        int code = new CairnCli(bootstrap, System.in, System.out, System.err, System.console() != null).run(args);
        System.exit(code);
    }
}
