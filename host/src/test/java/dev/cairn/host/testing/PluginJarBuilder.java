package dev.cairn.host.testing;

import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Builds a real PF4J plugin jar at test time: compiles Java sources against the test class path and packs them with
 * a manifest and {@code META-INF/services} registrations, as the plugin build would.
 */
public final class PluginJarBuilder {
    private final String id;
    private String version = "1.0.0";
    private String requires = ">=1.0.0 & <2.0.0";
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, List<String>> services = new LinkedHashMap<>();

    private PluginJarBuilder(String id) {
        this.id = id;
    }

    /** @param id the Plugin-Id @return a builder */
    public static PluginJarBuilder plugin(String id) {
        return new PluginJarBuilder(id);
    }

    /** @param requires Plugin-Requires @return this */
    public PluginJarBuilder requires(String requires) {
        this.requires = requires;
        return this;
    }

    /** @param version Plugin-Version @return this */
    public PluginJarBuilder version(String version) {
        this.version = version;
        return this;
    }

    /** @param className fully qualified name @param source its source @return this */
    public PluginJarBuilder source(String className, String source) {
        sources.put(className, source);
        return this;
    }

    /** @param type extension point @param className implementation @return this */
    public PluginJarBuilder service(Class<?> type, String className) {
        services.computeIfAbsent(type.getName(), k -> new ArrayList<>()).add(className);
        return this;
    }

    /**
     * @param dir where to write
     * @return the jar
     * @throws IOException on errors
     */
    public Path build(Path dir) throws IOException {
        Path classes = Files.createTempDirectory(dir, id + "-classes");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, source) -> units.add(new SimpleJavaFileObject(
                URI.create("string:///" + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        }));
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager fm = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d",
                    classes.toString(), "--release", "17");
            if (!units.isEmpty() && !compiler.getTask(diagnostics, fm, null, options, null, units).call()) {
                throw new IllegalStateException("test plugin does not compile: " + diagnostics);
            }
        }
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Plugin-Id", id);
        a.putValue("Plugin-Version", version);
        if (requires != null) {
            a.putValue("Plugin-Requires", requires);
        }
        a.putValue("Plugin-Description", "test plugin " + id);
        Path jar = dir.resolve(id + "-" + version + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
            for (Map.Entry<String, List<String>> s : services.entrySet()) {
                j.putNextEntry(new JarEntry("META-INF/services/" + s.getKey()));
                j.write((String.join("\n", s.getValue()) + "\n").getBytes(StandardCharsets.UTF_8));
                j.closeEntry();
            }
        }
        return jar;
    }
}
