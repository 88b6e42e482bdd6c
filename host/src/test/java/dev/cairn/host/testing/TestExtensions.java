package dev.cairn.host.testing;

import dev.cairn.spi.ConfigurationException;
import dev.cairn.spi.HostContext;
import dev.cairn.spi.alloc.AllocatorStats;
import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.alloc.SectorAllocatorFactory;
import dev.cairn.spi.command.CommandIo;
import dev.cairn.spi.command.PluginCommand;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.pool.FilePool;
import dev.cairn.spi.pool.FilePoolFactory;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.spi.store.Store;
import dev.cairn.spi.store.StoreFactory;
import dev.cairn.testkit.InMemoryStore;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Extensions registered on the host's test class path (see src/test/resources/META-INF/services). */
public final class TestExtensions {
    /** Which store factory created each store, in order. */
    public static final List<String> STORES_CREATED = new CopyOnWriteArrayList<>();

    private TestExtensions() {
    }

    /** @param maxSize store budget @param maxAge age limit @param label free text */
    public record StoreConfig(DataSize maxSize, Duration maxAge, String label) {
        /** Validates. */
        public StoreConfig {
            if (maxSize != null && maxSize.bytes() > DataSize.parse("1TiB").bytes()) {
                throw new ConfigurationException("maxSize", "at most 1TiB for a test store, not " + maxSize);
            }
        }
    }

    /** Store factory {@code alpha}. */
    public static final class AlphaStores implements StoreFactory<StoreConfig> {
        @Override public String name() { return "alpha"; }
        @Override public Class<StoreConfig> configType() { return StoreConfig.class; }
        @Override public Store create(StoreConfig c, HostContext ctx) {
            STORES_CREATED.add("alpha");
            return new InMemoryStore(c.maxSize() == null ? 0 : c.maxSize().bytes());
        }
    }

    /** Store factory {@code beta}. */
    public static final class BetaStores implements StoreFactory<StoreConfig> {
        @Override public String name() { return "beta"; }
        @Override public Class<StoreConfig> configType() { return StoreConfig.class; }
        @Override public Store create(StoreConfig c, HostContext ctx) {
            STORES_CREATED.add("beta");
            return new InMemoryStore(c.maxSize() == null ? 0 : c.maxSize().bytes());
        }
    }

    /** A named allocator that only says which it is. */
    public abstract static class NamedAllocators implements SectorAllocatorFactory {
        @Override public SectorAllocator create(int sectorCount) {
            throw new UnsupportedOperationException("test allocator " + name());
        }
    }

    /** Allocator {@code test-next-fit}. */
    public static final class NextFitAllocators extends NamedAllocators {
        @Override public String name() { return "test-next-fit"; }
    }

    /** Allocator {@code test-first-fit}. */
    public static final class FirstFitAllocators extends NamedAllocators {
        @Override public String name() { return "test-first-fit"; }
    }

    /** @param allocator allocator name @param size pool size */
    public record PoolConfig(String allocator, DataSize size) {
        /** Defaults. */
        public PoolConfig {
            allocator = allocator == null ? "test-next-fit" : allocator;
        }
    }

    /** A pool that records which allocator it was configured with. */
    public static final class RecordingPool implements FilePool {
        private final String allocator;

        RecordingPool(String allocator) {
            this.allocator = allocator;
        }

        /** @return the allocator's name */
        public String allocator() {
            return allocator;
        }

        @Override public PoolFile newFile() { throw new UnsupportedOperationException(); }
        @Override public Map<String, Object> status() { return Map.of("allocator", allocator); }
        @Override public void close() { }
    }

    /** Pool factory {@code test-pool}. */
    public static final class RecordingPools implements FilePoolFactory<PoolConfig> {
        @Override public String name() { return "test-pool"; }
        @Override public Class<PoolConfig> configType() { return PoolConfig.class; }
        @Override public FilePool create(PoolConfig c, HostContext ctx) {
            SectorAllocatorFactory f = ctx.factory(SectorAllocatorFactory.class, c.allocator(), "pool.allocator");
            return new RecordingPool(f.name());
        }
    }

    /** Every start and stop of a test service, in order, as {@code start:<label>} / {@code stop:<label>}. */
    public static final List<String> SERVICE_EVENTS = new CopyOnWriteArrayList<>();

    /** @param label names the service in events @param failOnStart make start() throw */
    public record ServiceConfig(String label, Boolean failOnStart) {
        /** Defaults. */
        public ServiceConfig {
            label = label == null ? "svc" : label;
            failOnStart = failOnStart != null && failOnStart;
        }
    }

    /** Service factory {@code recorder}: records start/stop. */
    public static final class RecordingServices implements dev.cairn.spi.service.ServiceFactory<ServiceConfig> {
        @Override public String name() { return "recorder"; }
        @Override public Class<ServiceConfig> configType() { return ServiceConfig.class; }
        @Override public dev.cairn.spi.service.Service create(ServiceConfig c, HostContext ctx) {
            return new dev.cairn.spi.service.Service() {
                @Override public void start() {
                    if (c.failOnStart()) {
                        throw new IllegalStateException("service " + c.label() + " cannot start");
                    }
                    SERVICE_EVENTS.add("start:" + c.label());
                }
                @Override public void stop() { SERVICE_EVENTS.add("stop:" + c.label()); }
                @Override public Map<String, Object> status() { return Map.of("label", c.label()); }
            };
        }
    }

    /** Command {@code hello}: prints its arguments and the configured io mode. */
    public static final class HelloCommand implements PluginCommand {
        @Override public String name() { return "hello"; }
        @Override public String summary() { return "print the arguments"; }
        @Override public int run(List<String> args, CommandIo io, HostContext ctx) {
            if (args.contains("--help")) {
                io.out().println("usage: cairn hello [words...]");
                return 0;
            }
            if (args.contains("--fail")) {
                io.err().println("hello: failing as asked");
                return 1;
            }
            io.out().println("hello " + String.join(" ", args));
            return 0;
        }
    }
}
