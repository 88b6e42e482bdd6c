package dev.cairn.dir;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.dir.Directory;
import dev.cairn.spi.dir.DirectoryOpener;
import dev.cairn.spi.dir.DirectoryOpenerFactory;
import dev.cairn.testkit.FakeHostContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathDirectoryOpenerFactoryTest {
    @TempDir
    Path home;

    @Test
    @SuppressWarnings("unchecked")
    void isFoundByNameAndOpensTheConfiguredPathRelativeToHome() throws Exception {
        FakeHostContext ctx = new FakeHostContext(home);
        DirectoryOpenerFactory<PathOpenerConfig> f = ctx.factory(DirectoryOpenerFactory.class, "path", "opener.type");
        Files.createDirectory(home.resolve("build"));
        Files.writeString(home.resolve("build/x"), "x");
        DirectoryOpener opener = f.create(new PathOpenerConfig("build"), ctx);
        try (Directory d = opener.open()) {
            assertEquals(1, d.lstat("x").size());
        }
    }

    @Test
    void aMissingPathIsAConfigurationErrorNamingTheKey() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> new PathOpenerConfig(" "));
        assertEquals("path", e.key());
        assertThrows(ConfigurationException.class, () -> new PathOpenerConfig(null));
    }

    @Test
    void theOpenerReflectsWhatIsThereAtEachCall() throws Exception {
        FakeHostContext ctx = new FakeHostContext(home);
        LazyDirectory lazy = new LazyDirectory(new PathDirectoryOpenerFactory().create(new PathOpenerConfig("later"), ctx));
        UnderlyingDirectoryException before = assertThrows(UnderlyingDirectoryException.class, () -> lazy.readdir());
        assertInstanceOf(NoSuchFileException.class, before.getCause());
        Files.createDirectory(home.resolve("later"));
        assertTrue(lazy.readdir().isEmpty());
        lazy.mkdir("x", 0755);
        assertTrue(Files.isDirectory(home.resolve("later/x")));
    }
}
