package dev.cairn.host.plugins;

import dev.cairn.spi.SpiVersion;
import org.pf4j.DefaultVersionManager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The descriptor of a plugin file, read and checked before PF4J sees it, so a corrupt jar or a plugin for another
 * SPI major version fails with a message naming the file, the plugin and the cause (PF4J itself only logs these).
 *
 * @param path the jar, zip or folder
 * @param id {@code Plugin-Id}
 * @param version {@code Plugin-Version}
 * @param requires {@code Plugin-Requires}, or {@code *}
 * @param description {@code Plugin-Description}, or empty
 */
record PluginArchive(Path path, String id, String version, String requires, String description) {

    /**
     * @param path a file or folder in the plugins folder
     * @return whether it looks like a plugin (jar, zip or folder with a manifest)
     */
    static boolean isCandidate(Path path) {
        String name = path.getFileName().toString();
        if (name.startsWith(".")) {
            return false;
        }
        if (Files.isDirectory(path)) {
            return Files.isRegularFile(path.resolve("META-INF/MANIFEST.MF"))
                    || Files.isRegularFile(path.resolve("plugin.properties"));
        }
        return name.endsWith(".jar") || name.endsWith(".zip");
    }

    /**
     * @param path a plugin file
     * @return its checked descriptor
     * @throws PluginLoadException when the file is corrupt, has no descriptor, or needs another SPI version
     */
    static PluginArchive read(Path path) {
        Manifest manifest = Files.isDirectory(path) ? readFolder(path) : readZip(path);
        Attributes a = manifest == null ? new Attributes() : manifest.getMainAttributes();
        String id = a.getValue("Plugin-Id");
        if (id == null || id.isBlank()) {
            throw new PluginLoadException("plugin file " + path + " has no Plugin-Id in META-INF/MANIFEST.MF;"
                    + " a Cairn plugin jar needs Plugin-Id, Plugin-Version and Plugin-Requires");
        }
        String version = orDefault(a.getValue("Plugin-Version"), "0.0.0");
        String requires = orDefault(a.getValue("Plugin-Requires"), "*");
        String description = orDefault(a.getValue("Plugin-Description"), "");
        PluginArchive archive = new PluginArchive(path, id.trim(), version.trim(), requires.trim(), description.trim());
        archive.checkSpiVersion();
        return archive;
    }

    /** @throws PluginLoadException when {@code Plugin-Requires} excludes this host's SPI version */
    void checkSpiVersion() {
        if (requires.equals("*")) {
            return;
        }
        boolean ok;
        try {
            ok = new DefaultVersionManager().checkVersionConstraint(SpiVersion.CURRENT, requires);
        } catch (RuntimeException e) {
            throw new PluginLoadException("plugin '" + id + "' (" + path + ") has an invalid Plugin-Requires '"
                    + requires + "': " + e.getMessage(), e);
        }
        if (!ok) {
            throw new PluginLoadException("plugin '" + id + "' " + version + " (" + path + ") requires SPI "
                    + requires + ", but this host provides SPI " + SpiVersion.CURRENT
                    + "; rebuild the plugin against cairn-spi " + SpiVersion.MAJOR + ".x or use a matching host");
        }
    }

    private static Manifest readZip(Path path) {
        try (ZipFile zip = new ZipFile(path.toFile())) {
            ZipEntry entry = zip.getEntry("META-INF/MANIFEST.MF");
            if (entry == null) {
                // A PF4J zip holds the jar inside; its descriptor may be plugin.properties at the top.
                ZipEntry props = zip.getEntry("plugin.properties");
                if (props != null) {
                    return fromProperties(zip.getInputStream(props));
                }
                return null;
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return new Manifest(in);
            }
        } catch (ZipException e) {
            throw new PluginLoadException("plugin file " + path + " is corrupt (not a valid jar/zip: "
                    + e.getMessage() + "); replace it with a freshly built plugin jar", e);
        } catch (IOException e) {
            throw new PluginLoadException("cannot read plugin file " + path + ": " + e, e);
        }
    }

    private static Manifest readFolder(Path path) {
        try {
            Path mf = path.resolve("META-INF/MANIFEST.MF");
            if (Files.isRegularFile(mf)) {
                try (InputStream in = Files.newInputStream(mf)) {
                    return new Manifest(in);
                }
            }
            try (InputStream in = Files.newInputStream(path.resolve("plugin.properties"))) {
                return fromProperties(in);
            }
        } catch (IOException e) {
            throw new PluginLoadException("cannot read plugin folder " + path + ": " + e, e);
        }
    }

    private static Manifest fromProperties(InputStream in) throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (in) {
            p.load(in);
        }
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        putIf(a, "Plugin-Id", p.getProperty("plugin.id"));
        putIf(a, "Plugin-Version", p.getProperty("plugin.version"));
        putIf(a, "Plugin-Requires", p.getProperty("plugin.requires"));
        putIf(a, "Plugin-Description", p.getProperty("plugin.description"));
        return m;
    }

    private static void putIf(Attributes a, String key, String value) {
        if (value != null) {
            a.putValue(key, value);
        }
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
