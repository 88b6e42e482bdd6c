package dev.cairn.it.s3;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped {@code s3-cache} plugin jar works on its own: loaded by a fresh class loader over only the SPI and
 * SLF4J of the distribution, called with an unrelated context class loader (the SDK must find its service files and
 * interceptors in the shaded jar), it stores and reads a blob in a real S3-compatible server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ShadedPluginJarTest {
    @TempDir
    static Path s3dir;
    private static S3ProxyProcess s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyProcess.start(s3dir);
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    private static Path only(Path dir, String glob) throws IOException {
        try (DirectoryStream<Path> found = Files.newDirectoryStream(dir, glob)) {
            for (Path p : found) {
                return p;
            }
        }
        throw new AssertionError("no " + glob + " in " + dir);
    }

    @Test
    void theShadedJarRunsInAFreshClassLoader() throws Exception {
        Path dist = Path.of(System.getProperty("cairn.dist"));
        Path jar = only(dist.resolve("plugins"), "cairn-plugin-s3-cache-*.jar");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            assertNotNull(zip.getEntry("META-INF/services/dev.cairn.spi.store.StoreFactory"));
            assertNotNull(zip.getEntry("META-INF/services/software.amazon.awssdk.http.SdkHttpService"));
            assertTrue(zip.stream().noneMatch(e -> e.getName().startsWith("io/netty/")), "no netty in the jar");
        }
        Path lib = dist.resolve("lib");
        try (URLClassLoader host = new URLClassLoader(new URL[]{only(lib, "cairn-spi-*.jar").toUri().toURL(),
                only(lib, "slf4j-api-*.jar").toUri().toURL()}, ClassLoader.getPlatformClassLoader());
             URLClassLoader plugin = new URLClassLoader(new URL[]{jar.toUri().toURL()}, host)) {
            Class<?> factoryType = host.loadClass("dev.cairn.spi.store.StoreFactory");
            Object factory = null;
            for (Object f : ServiceLoader.load(factoryType, plugin)) {
                if (factoryType.getMethod("name").invoke(f).equals("s3")) {
                    factory = f;
                }
            }
            assertNotNull(factory, "s3 StoreFactory registered in the jar");
            Class<?> optionsType = (Class<?>) factoryType.getMethod("configType").invoke(factory);
            Constructor<?> canonical = optionsType.getDeclaredConstructors()[0];
            Object[] args = new Object[canonical.getParameterCount()];
            args[0] = "shaded-jar";
            args[2] = s3.endpoint();
            args[3] = S3ProxyProcess.ACCESS;
            args[4] = S3ProxyProcess.SECRET;
            args[6] = Boolean.TRUE; // autoCreate
            Object options = canonical.newInstance(args);
            Class<?> contextType = host.loadClass("dev.cairn.spi.HostContext");
            Object context = Proxy.newProxyInstance(host, new Class<?>[]{contextType}, (proxy, method, margs) -> {
                if (method.getName().equals("clock")) {
                    return Clock.systemUTC();
                }
                throw new UnsupportedOperationException(method.getName());
            });
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(ClassLoader.getPlatformClassLoader()); // sees nothing of the plugin
            try {
                Method create = factoryType.getMethod("create", Object.class, contextType);
                Object store = create.invoke(factory, options, context);
                Class<?> storeType = host.loadClass("dev.cairn.spi.store.Store");
                try {
                    byte[] value = {7, 8, 9};
                    storeType.getMethod("put", String.class, String.class, byte[].class)
                            .invoke(store, "abcd1234", "output", value);
                    Optional<?> got = (Optional<?>) storeType.getMethod("getBytes", String.class, String.class)
                            .invoke(store, "abcd1234", "output");
                    assertArrayEquals(value, (byte[]) got.orElseThrow());
                    assertEquals(Boolean.TRUE, storeType.getMethod("has", String.class).invoke(store, "abcd1234"));
                } finally {
                    storeType.getMethod("close").invoke(store);
                }
            } finally {
                thread.setContextClassLoader(previous);
            }
        }
    }
}
