package dev.cairn.alloc.bitmap;

import dev.cairn.spi.alloc.AllocatorStats;
import dev.cairn.spi.alloc.NoFreeSectorsException;
import dev.cairn.spi.alloc.SectorAllocator;
import dev.cairn.spi.alloc.SectorRun;

import java.util.Arrays;

/**
 * A next-fit {@link SectorAllocator} over a bitmap: one bit per sector (1 = free) in 64-bit words, followed by a
 * sentinel word of used bits so that a run scanning forward always stops before the end.
 *
 * <p>Allocation starts at the cursor (the sector after the previous allocation) with the bits below it masked off,
 * continues with later words, then wraps to word 0 and ends with the cursor's own word unmasked. A run takes the
 * consecutive free bits from the first free one found, up to the maximum, continuing through whole free words and
 * into the low bits of the next one. Bit {@code i} stands for sector {@code i + 1}.
 *
 * <p>All methods synchronize on the allocator; frees check the whole request before changing any bit.
 */
final class BitmapSectorAllocator implements SectorAllocator {
    private final int sectorCount;
    /** {@code words.length - 1} is the sentinel, always 0. */
    private final long[] words;
    /** Bit index (sector - 1) where the next search starts. */
    private int cursor;
    private int freeSectors;

    BitmapSectorAllocator(int sectorCount) {
        if (sectorCount < 1) {
            throw new IllegalArgumentException("sectorCount must be >= 1, not " + sectorCount);
        }
        this.sectorCount = sectorCount;
        int fullWords = sectorCount / 64;
        int rest = sectorCount % 64;
        words = new long[fullWords + (rest == 0 ? 0 : 1) + 1];
        Arrays.fill(words, 0, fullWords, -1L);
        if (rest != 0) {
            // rest is 1..63 here, so the shift is well defined (Java masks shift distances to 6 bits: x << 64 == x).
            words[fullWords] = -1L >>> (64 - rest);
        }
        freeSectors = sectorCount;
    }

    @Override
    public synchronized SectorRun allocateContiguous(int maxSectors) throws NoFreeSectorsException {
        if (maxSectors < 1) {
            throw new IllegalArgumentException("maxSectors must be >= 1, not " + maxSectors);
        }
        int initialWord = cursor >>> 6;
        long mask = -1L << (cursor & 63);
        for (int i = initialWord; i < words.length; i++) {
            long w = words[i] & mask;
            if (w != 0) {
                return allocateAt(i, w, maxSectors);
            }
            mask = -1L;
        }
        for (int i = 0; i <= initialWord; i++) {
            long w = words[i];
            if (w != 0) {
                return allocateAt(i, w, maxSectors);
            }
        }
        throw new NoFreeSectorsException("no free sectors: all " + sectorCount + " sectors of the bitmap allocator"
                + " are in use");
    }

    /** Takes a run starting at the lowest set bit of {@code candidates}, a masked copy of {@code words[word]}. */
    private SectorRun allocateAt(int word, long candidates, int max) {
        int bit = Long.numberOfTrailingZeros(candidates);
        int start = word * 64 + bit;
        // Free bits from `bit` upwards; the zeros shifted in from the top stop the count at 64 - bit.
        int inWord = Long.numberOfTrailingZeros(~(words[word] >>> bit));
        int count;
        if (inWord >= max) {
            count = max;
            clear(word, bit, max);
        } else {
            count = inWord;
            clear(word, bit, inWord);
            if (bit + inWord == 64) {
                int w = word + 1;
                // The sentinel word is 0, so neither loop can run past the end of the array.
                while (max - count >= 64 && words[w] == -1L) {
                    words[w] = 0;
                    count += 64;
                    w++;
                }
                int low = Math.min(Long.numberOfTrailingZeros(~words[w]), max - count);
                if (low > 0) {
                    clear(w, 0, low);
                    count += low;
                }
            }
        }
        freeSectors -= count;
        cursor = start + count;
        if (cursor >= sectorCount) {
            cursor = 0;
        }
        return new SectorRun(start + 1, count);
    }

    /** Marks {@code length} (1..64) bits from {@code bit} of one word as used. */
    private void clear(int word, int bit, int length) {
        words[word] &= ~mask(bit, length);
    }

    private static long mask(int bit, int length) {
        long ones = length == 64 ? -1L : (1L << length) - 1;
        return ones << bit;
    }

    @Override
    public synchronized void freeContiguous(int firstSector, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("cannot free " + count + " sectors: count must be >= 1");
        }
        if (firstSector < 1 || (long) firstSector + count - 1 > sectorCount) {
            throw new IllegalArgumentException("cannot free sectors " + firstSector + ".."
                    + ((long) firstSector + count - 1) + ": outside 1.." + sectorCount);
        }
        int start = firstSector - 1;
        int end = start + count;
        // Check every word first, so a refused free leaves the bitmap as it was.
        for (int i = start; i < end; ) {
            int bit = i & 63;
            int length = Math.min(64 - bit, end - i);
            long overlap = words[i >>> 6] & mask(bit, length);
            if (overlap != 0) {
                int free = (i & ~63) + Long.numberOfTrailingZeros(overlap) + 1;
                throw new IllegalArgumentException("cannot free sectors " + firstSector + ".." + (end)
                        + ": sector " + free + " is already free (double free)");
            }
            i += length;
        }
        for (int i = start; i < end; ) {
            int bit = i & 63;
            int length = Math.min(64 - bit, end - i);
            words[i >>> 6] |= mask(bit, length);
            i += length;
        }
        freeSectors += count;
    }

    @Override
    public synchronized void freeList(int[] sectors) {
        int[] sorted = sectors.clone();
        Arrays.sort(sorted);
        int previous = 0;
        int count = 0;
        for (int sector : sorted) {
            if (sector == 0) {
                continue;
            }
            if (sector < 0 || sector > sectorCount) {
                throw new IllegalArgumentException("cannot free sector " + sector + ": outside 1.." + sectorCount);
            }
            if (sector == previous) {
                throw new IllegalArgumentException("cannot free sector " + sector + ": listed twice");
            }
            if (isFree(sector - 1)) {
                throw new IllegalArgumentException("cannot free sector " + sector + ": already free (double free)");
            }
            previous = sector;
            count++;
        }
        for (int sector : sorted) {
            if (sector != 0) {
                words[(sector - 1) >>> 6] |= 1L << ((sector - 1) & 63);
            }
        }
        freeSectors += count;
    }

    private boolean isFree(int index) {
        return (words[index >>> 6] & (1L << (index & 63))) != 0;
    }

    @Override
    public synchronized AllocatorStats stats() {
        long largest = 0;
        long run = 0;
        for (long w : words) {
            if (w == -1L) {
                run += 64;
                continue;
            }
            if (w == 0) {
                largest = Math.max(largest, run);
                run = 0;
                continue;
            }
            // The run carried from earlier words ends with this word's trailing ones.
            run += Long.numberOfTrailingZeros(~w);
            largest = Math.max(largest, run);
            largest = Math.max(largest, longestOnes(w));
            run = Long.numberOfLeadingZeros(~w);
        }
        largest = Math.max(largest, run);
        return new AllocatorStats(sectorCount, freeSectors, largest);
    }

    /** Length of the longest run of set bits in {@code w}. */
    private static int longestOnes(long w) {
        int length = 0;
        while (w != 0) {
            w &= w >>> 1;
            length++;
        }
        return length;
    }

    @Override
    public String toString() {
        return "BitmapSectorAllocator[" + sectorCount + " sectors]";
    }
}
