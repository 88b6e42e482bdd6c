package dev.cairn.layerfs.union;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which lower inode number a copied-up upper file carries, so a file keeps its inode number across copy-up and
 * remounts. An append-only log of {@code <upper ino> <lower ino>} lines ({@code -} removes).
 */
final class Origins implements AutoCloseable {
    private final ConcurrentHashMap<Long, Long> map = new ConcurrentHashMap<>();
    private final BufferedWriter log;

    Origins(Path file) throws IOException {
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.trim().split(" ");
                if (f.length != 2) {
                    continue; // a torn last line after a crash
                }
                try {
                    long upper = Long.parseLong(f[0]);
                    if (f[1].equals("-")) {
                        map.remove(upper);
                    } else {
                        map.put(upper, Long.parseLong(f[1]));
                    }
                } catch (NumberFormatException e) {
                    // a torn line: ignore it, the file keeps its own inode number
                }
            }
        }
        log = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    Long get(long upperIno) {
        return map.get(upperIno);
    }

    synchronized void put(long upperIno, long lowerIno) throws IOException {
        map.put(upperIno, lowerIno);
        log.write(upperIno + " " + lowerIno + "\n");
        log.flush();
    }

    synchronized void remove(long upperIno) throws IOException {
        if (map.remove(upperIno) != null) {
            log.write(upperIno + " -\n");
            log.flush();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        log.close();
    }
}
