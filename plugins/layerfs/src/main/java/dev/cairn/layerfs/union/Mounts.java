package dev.cairn.layerfs.union;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The kernel's mount table, and the lazy-unmount fallback. */
public final class Mounts {
    private Mounts() {
    }

    /** @return whether a file system is mounted exactly at {@code mountPoint} */
    public static boolean isMounted(Path mountPoint) {
        String mp = mountPoint.toAbsolutePath().normalize().toString();
        try {
            // ISO-8859-1: any byte sequence decodes, so another mount's odd name cannot make this fail
            String want = new String(mp.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.ISO_8859_1)) {
                String[] f = line.split(" ");
                if (f.length > 4 && unescape(f[4]).equals(want)) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Runs {@code fusermount -u -z} (detach now, clean up when no longer busy). */
    public static void lazyUnmount(Path mountPoint) {
        for (String tool : new String[] {"fusermount", "fusermount3", "umount"}) {
            try {
                Process p = new ProcessBuilder(tool.equals("umount")
                        ? new String[] {"umount", "-l", mountPoint.toString()}
                        : new String[] {tool, "-u", "-z", mountPoint.toString()})
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return;
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // tool not installed: try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** @return whether FUSE can be used here (device and libfuse2 present) */
    public static boolean fuseAvailable() {
        if (!Files.exists(Path.of("/dev/fuse"))) {
            return false;
        }
        for (String dir : new String[] {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
                "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/lib"}) {
            if (Files.exists(Path.of(dir, "libfuse.so.2"))) {
                return true;
            }
        }
        return false;
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
