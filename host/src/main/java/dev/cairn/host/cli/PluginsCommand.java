package dev.cairn.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.host.plugins.ExtensionPoints;
import dev.cairn.host.plugins.PluginInfo;
import dev.cairn.host.plugins.ProvidedExtension;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code cairn plugins}: every plugin with its id, version, state, factories and jar. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every loaded plugin: id, version, state, the factories it provides, its jar.")
final class PluginsCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (Bootstrap.Session session = root.cli.bootstrap().open(root.config)) {
            List<PluginInfo> plugins = session.host().registry().plugins();
            PrintStream out = root.cli.out();
            if (json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (PluginInfo p : plugins) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", p.id());
                    m.put("version", p.version());
                    m.put("state", p.state());
                    m.put("requires", p.requires());
                    m.put("provides", p.extensions().stream().map(PluginsCommand::describe).toList());
                    m.put("path", p.path().map(Object::toString).orElse(null));
                    m.put("error", p.error().orElse(null));
                    rows.add(m);
                }
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows));
                return ExitCodes.OK;
            }
            String format = "%-22s %-9s %-9s %-50s %s%n";
            out.printf(format, "ID", "VERSION", "STATE", "PROVIDES", "JAR");
            for (PluginInfo p : plugins) {
                String provides = p.extensions().isEmpty() ? "-"
                        : p.extensions().stream().map(PluginsCommand::describe).collect(Collectors.joining(", "));
                out.printf(format, p.id(), p.version(), p.state(), provides,
                        p.path().map(Object::toString).orElse("(host class path)"));
                p.error().ifPresent(e -> out.println("  error: " + e));
            }
            return ExitCodes.OK;
        }
    }

    private static String describe(ProvidedExtension e) {
        return ExtensionPoints.role(e.type()) + ":" + e.name();
    }
}
