package dev.cairn.layerfs.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.layerfs.archive.EntryPaths;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Imports images into a {@link LayerStore}: an OCI image layout directory, a {@code docker save} archive, or a single
 * layer tarball ({@code .tar}/{@code .tar.gz}). Every layer blob is checked against the digest that names it.
 */
public final class ImageImporter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LayerStore store;

    /** @param store where layers and images go */
    public ImageImporter(LayerStore store) {
        this.store = Objects.requireNonNull(store, "store is null");
    }

    /**
     * @param source a layout directory, a docker-save tar or a layer tar(.gz)
     * @param name the image name to record, or null for the archive's own ref (or the file name)
     * @return the recorded image
     */
    public ImageRecord importImage(Path source, String name) throws IOException {
        if (Files.isDirectory(source)) {
            return importLayout(source, name);
        }
        if (!Files.isRegularFile(source)) {
            throw new IOException("no such image archive or layout: " + source);
        }
        if (isDockerSave(source)) {
            Path spool = store.newStagingDir("docker-save");
            try {
                spoolTar(source, spool);
                return importDockerSave(spool, name, source);
            } finally {
                LayerStore.deleteTree(spool);
            }
        }
        StoredLayer layer;
        try (InputStream in = Files.newInputStream(source)) {
            layer = store.importLayer(in, null);
        }
        return store.putImage(name != null ? name : baseName(source), List.of(layer.digest()));
    }

    private ImageRecord importLayout(Path layout, String name) throws IOException {
        if (!Files.exists(layout.resolve("oci-layout")) || !Files.exists(layout.resolve("index.json"))) {
            throw new IOException(layout + " is not an OCI image layout (no oci-layout or index.json)");
        }
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        JsonNode manifests = index.path("manifests");
        if (!manifests.isArray() || manifests.isEmpty()) {
            throw new IOException(layout + "/index.json lists no manifests");
        }
        JsonNode chosen = manifests.get(0);
        for (JsonNode m : manifests) {
            String ref = m.path("annotations").path("org.opencontainers.image.ref.name").asText("");
            if (name != null && (ref.equals(name) || name.endsWith(":" + ref))) {
                chosen = m;
            }
        }
        JsonNode manifest = readBlob(layout, chosen.path("digest").asText());
        for (int depth = 0; manifest.has("manifests") && depth < 4; depth++) {
            JsonNode pick = manifest.path("manifests").get(0);
            for (JsonNode m : manifest.path("manifests")) {
                if ("linux".equals(m.path("platform").path("os").asText()) && "amd64".equals(m.path("platform").path("architecture").asText())) {
                    pick = m;
                    break;
                }
            }
            manifest = readBlob(layout, pick.path("digest").asText());
        }
        List<String> digests = new ArrayList<>();
        for (JsonNode l : manifest.path("layers")) {
            String digest = l.path("digest").asText();
            String media = l.path("mediaType").asText("");
            if (media.contains("zstd")) {
                throw new IOException("layer " + digest + " is zstd-compressed (" + media + "); only tar and tar+gzip are supported");
            }
            try (InputStream in = Files.newInputStream(blobPath(layout, digest))) {
                digests.add(store.importLayer(in, digest).digest());
            }
        }
        String ref = chosen.path("annotations").path("org.opencontainers.image.ref.name").asText("");
        return store.putImage(name != null ? name : ref.isEmpty() ? baseName(layout) : ref, digests);
    }

    private ImageRecord importDockerSave(Path spool, String name, Path source) throws IOException {
        JsonNode manifest = JSON.readTree(spool.resolve("manifest.json").toFile());
        if (!manifest.isArray() || manifest.isEmpty()) {
            throw new IOException(source + ": manifest.json lists no images");
        }
        JsonNode image = manifest.get(0);
        List<String> digests = new ArrayList<>();
        for (JsonNode l : image.path("Layers")) {
            String member = EntryPaths.normalize(l.asText());
            String expected = null;
            if (member.startsWith("blobs/sha256/")) {
                expected = "sha256:" + member.substring("blobs/sha256/".length());
            }
            Path blob = spool.resolve(member);
            if (!Files.isRegularFile(blob)) {
                throw new IOException(source + ": layer " + member + " named by manifest.json is missing");
            }
            try (InputStream in = Files.newInputStream(blob)) {
                digests.add(store.importLayer(in, expected).digest());
            }
        }
        String tag = image.path("RepoTags").path(0).asText("");
        return store.putImage(name != null ? name : tag.isEmpty() ? baseName(source) : tag, digests);
    }

    private static boolean isDockerSave(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            in.mark(2);
            int b1 = in.read();
            int b2 = in.read();
            in.reset();
            if (b1 == 0x1f && b2 == 0x8b) {
                return false; // a gzip layer; docker save archives are plain tar
            }
            TarArchiveInputStream tar = new TarArchiveInputStream(in);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String n = e.getName();
                if (n.equals("manifest.json") || n.equals("./manifest.json")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static void spoolTar(Path archive, Path into) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
            TarArchiveInputStream tar = new TarArchiveInputStream(in);
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (!e.isFile()) {
                    continue;
                }
                String member = EntryPaths.normalize(e.getName());
                Path out = into.resolve(member);
                Files.createDirectories(out.getParent());
                Files.copy(tar, out);
            }
        }
    }

    private static JsonNode readBlob(Path layout, String digest) throws IOException {
        return JSON.readTree(blobPath(layout, digest).toFile());
    }

    private static Path blobPath(Path layout, String digest) throws IOException {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IOException("unsupported or malformed digest '" + digest + "' in " + layout);
        }
        Path p = layout.resolve("blobs/sha256").resolve(digest.substring(7));
        if (!Files.isRegularFile(p)) {
            throw new IOException("blob " + digest + " is missing from " + layout);
        }
        return p;
    }

    private static String baseName(Path p) {
        String n = p.getFileName().toString();
        for (String ext : List.of(".tar.gz", ".tgz", ".tar")) {
            if (n.endsWith(ext)) {
                return n.substring(0, n.length() - ext.length());
            }
        }
        return n;
    }
}
