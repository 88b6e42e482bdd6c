package dev.cairn.pool.quota;

import dev.cairn.pool.temp.TempFilePoolConfig;
import dev.cairn.pool.temp.TempFilePoolFactory;
import dev.cairn.spi.config.DataSize;
import dev.cairn.spi.pool.PoolFile;
import dev.cairn.testkit.FakeHostContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quota counts the sizes of a user's files together, refuses growth past it and returns space on shrink. */
class QuotaFilePoolTest {
    @TempDir
    Path home;
    QuotaFilePool pool;

    @BeforeEach
    void setUp() throws Exception {
        pool = new QuotaFilePool(new TempFilePoolFactory().create(new TempFilePoolConfig("pool", null),
                new FakeHostContext(home)), 100);
    }

    @AfterEach
    void tearDown() throws IOException {
        pool.close();
    }

    @Test
    void growthPastTheQuotaIsRefusedAndNothingIsWritten() throws IOException {
        PoolFile a = pool.newFile();
        PoolFile b = pool.newFile();
        a.writeAt(ByteBuffer.allocate(60), 0);
        assertEquals(60, pool.usedBytes());
        QuotaExceededException e = assertThrows(QuotaExceededException.class,
                () -> b.writeAt(ByteBuffer.allocate(50), 0));
        assertEquals("pool quota of 100B exceeded: writing 50 bytes at offset 0 needs 50 more bytes, 60 of 100 are"
                + " in use", e.getMessage());
        assertEquals(0, b.size());
        assertEquals(60, pool.usedBytes());
        b.writeAt(ByteBuffer.allocate(40), 0);
        assertEquals(100, pool.usedBytes());
    }

    @Test
    void overwritesWithinTheSizeCostNothing() throws IOException {
        PoolFile a = pool.newFile();
        a.writeAt(ByteBuffer.allocate(100), 0);
        a.writeAt(ByteBuffer.allocate(100), 0);
        a.writeAt(ByteBuffer.allocate(10), 50);
        assertEquals(100, pool.usedBytes());
        assertThrows(QuotaExceededException.class, () -> a.writeAt(ByteBuffer.allocate(1), 100));
    }

    @Test
    void holesCountBecauseTheSizeCounts() throws IOException {
        PoolFile a = pool.newFile();
        assertThrows(QuotaExceededException.class, () -> a.writeAt(ByteBuffer.allocate(1), 100));
        assertThrows(QuotaExceededException.class, () -> a.truncate(101));
        a.truncate(100);
        assertEquals(100, pool.usedBytes());
    }

    @Test
    void truncateAndCloseGiveSpaceBack() throws IOException {
        PoolFile a = pool.newFile();
        a.writeAt(ByteBuffer.allocate(80), 0);
        a.truncate(30);
        assertEquals(30, pool.usedBytes());
        PoolFile b = pool.newFile();
        b.writeAt(ByteBuffer.allocate(70), 0);
        a.close();
        assertEquals(70, pool.usedBytes());
        b.close();
        b.close();
        assertEquals(0, pool.usedBytes());
        assertEquals(0L, pool.status().get("quotaBytesUsed"));
        assertTrue(pool.metrics().stream().anyMatch(m -> m.name().equals("cairn_pool_quota_bytes")));
    }

    @Test
    void invalidQuotaIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new QuotaFilePool(pool, 0));
        assertEquals(DataSize.ofBytes(100).toString(), "100B");
    }
}
