package dev.cairn.spi.pool;

/** The kinds of region {@link PoolFile#nextRegionOffset} looks for. */
public enum RegionType {
    /** Bytes that were written. */
    DATA,
    /** Bytes never written (read as zeros). */
    HOLE
}
