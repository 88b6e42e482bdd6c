package dev.cairn.layerfs.archive;

/** Normalizes tar entry names and refuses those that would leave the layer root. */
public final class EntryPaths {
    private EntryPaths() {
    }

    /**
     * @param raw the name as written in the archive
     * @return the normalized relative path: no leading {@code ./}, no empty or {@code .} elements, no trailing slash
     * @throws UnsafeArchiveException for absolute names, {@code ..} elements or NUL characters
     */
    public static String normalize(String raw) throws UnsafeArchiveException {
        if (raw.indexOf('\0') >= 0) {
            throw new UnsafeArchiveException(raw, "name contains NUL");
        }
        if (raw.startsWith("/")) {
            throw new UnsafeArchiveException(raw, "absolute path");
        }
        StringBuilder out = new StringBuilder();
        for (String element : raw.split("/")) {
            if (element.isEmpty() || element.equals(".")) {
                continue;
            }
            if (element.equals("..")) {
                throw new UnsafeArchiveException(raw, "'..' element");
            }
            if (element.length() > 255) {
                throw new UnsafeArchiveException(raw, "element longer than 255 bytes");
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(element);
        }
        if (out.length() > 4096) {
            throw new UnsafeArchiveException(raw, "path longer than 4096 bytes");
        }
        return out.toString();
    }
}
