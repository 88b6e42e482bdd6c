package dev.cairn.layerfs.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The tree of one layer's entries, held in memory. Content of regular files lives under {@link #contentRoot()} at the
 * entry's path. A layer still arriving is incomplete: its files become ready one by one, readers wait for them
 * ({@link #awaitContent}), and lookups of names not yet seen wait until the name appears or the layer completes,
 * unless a table of contents announced every entry up front.
 */
public final class LayerIndex {
    /** A node of the tree. Fields are guarded by the owning index's monitor. */
    public static final class Node {
        private final long id;
        private LayerEntry entry;
        private final TreeMap<String, Node> children;
        private boolean opaque;
        private boolean ready;
        private Node target; // hard links share their target's identity and content
        private int links = 1;

        private Node(long id, LayerEntry entry) {
            this.id = id;
            this.entry = entry;
            this.children = entry.kind() == EntryKind.DIR ? new TreeMap<>() : null;
        }

        private Node resolved() {
            return target == null ? this : target;
        }
    }

    private volatile Path contentRoot;
    private final Node root;
    private final List<LayerEntry> entries = new ArrayList<>();
    private long nextId = 1;
    private boolean complete;
    private boolean announced;
    private IOException failure;
    private int waiters;

    /** @param contentRoot the directory holding regular files' content at their paths */
    public LayerIndex(Path contentRoot) {
        this.contentRoot = Objects.requireNonNull(contentRoot, "contentRoot is null");
        this.root = new Node(nextId++, LayerEntry.implicitDir(""));
        this.root.ready = true;
    }

    /** A file move. */
    public interface Move {
        /** Moves the content. */
        void run() throws IOException;
    }

    /**
     * Moves the content (the layer entering the store) and points the index at its new place, atomically with
     * respect to {@link #contentPath}; a reader that computed the old path just before retries once.
     */
    public synchronized void relocate(Path newRoot, Move move) throws IOException {
        Objects.requireNonNull(newRoot, "newRoot is null");
        move.run();
        contentRoot = newRoot;
    }

    /** @return the directory holding file content */
    public Path contentRoot() {
        return contentRoot;
    }

    /**
     * Adds (or replaces) an entry as its header is read. Regular files are not ready until {@link #markReady}.
     *
     * @throws UnsafeArchiveException when the entry's parent goes through a symlink or non-directory, or a hard link
     *     points at something that is not an earlier regular file of this layer
     */
    public synchronized void add(LayerEntry entry) throws UnsafeArchiveException {
        Objects.requireNonNull(entry, "entry is null");
        if (entry.path().isEmpty()) {
            if (entry.kind() == EntryKind.DIR) {
                root.entry = entry;
                entries.add(entry);
            } else if (entry.kind() == EntryKind.OPAQUE) {
                root.opaque = true;
                entries.add(entry);
            } else {
                throw new UnsafeArchiveException(".", "the layer root must be a directory");
            }
            notifyAll();
            return;
        }
        Node parent = directory(entry.parent(), entry.path());
        if (entry.kind() == EntryKind.OPAQUE) {
            Node dir = directory(entry.path(), entry.path());
            dir.opaque = true;
            entries.add(entry);
            notifyAll();
            return;
        }
        Node existing = parent.children.get(entry.name());
        if (announced && existing != null && existing.entry.kind() == entry.kind() && entry.kind() != EntryKind.DIR) {
            // the entry was announced by the table of contents: keep the node readers may be waiting on
            existing.entry = entry.kind() == EntryKind.HARDLINK ? existing.entry : entry;
            notifyAll();
            return;
        }
        if (existing != null && existing.entry.kind() == EntryKind.DIR && entry.kind() == EntryKind.DIR) {
            existing.entry = entry;
            entries.add(entry);
            notifyAll();
            return;
        }
        Node node = new Node(nextId++, entry);
        if (entry.kind() == EntryKind.HARDLINK) {
            Node target = find(entry.link());
            if (target == null || target.resolved().entry.kind() != EntryKind.FILE) {
                throw new UnsafeArchiveException(entry.path(),
                        "hard link to '" + entry.link() + "', which is not an earlier regular file of this layer");
            }
            node.target = target.resolved();
            node.target.links++;
            node.ready = true;
        } else {
            node.ready = entry.kind() != EntryKind.FILE;
        }
        if (existing != null && existing.target != null) {
            existing.target.links--;
        }
        parent.children.put(entry.name(), node);
        entries.add(entry);
        notifyAll();
    }

    /**
     * Adds every entry of a table of contents before their content arrives; names not in it are then known to be
     * absent without waiting.
     */
    public synchronized void announce(List<LayerEntry> toc) throws UnsafeArchiveException {
        for (LayerEntry e : toc) {
            add(e);
        }
        announced = true;
        notifyAll();
    }

    /** Marks a regular file's content as fully written (it may now be read). */
    public synchronized void markReady(String path) {
        Node node = find(path);
        if (node != null) {
            node.ready = true;
            notifyAll();
        }
    }

    /** Marks the layer as fully received: lookups of unknown names stop waiting. */
    public synchronized void complete() {
        complete = true;
        for (Node n : allNodes()) {
            if (n.entry.kind() == EntryKind.FILE && !n.ready) {
                // announced in the table of contents but never delivered
                failure = failure != null ? failure : new IOException("layer ended without content for " + n.entry.path());
            }
        }
        notifyAll();
    }

    /** Marks the layer as failed: waiting readers get the error. */
    public synchronized void fail(IOException error) {
        failure = Objects.requireNonNull(error, "error is null");
        complete = true;
        notifyAll();
    }

    /** @return whether every entry and all content has arrived */
    public synchronized boolean isComplete() {
        return complete && failure == null;
    }

    /** @return the number of threads currently waiting for an entry or content (for tests and status) */
    public synchronized int waiters() {
        return waiters;
    }

    /** @return the entries in the order they were added (the archive's order) */
    public synchronized List<LayerEntry> entries() {
        return List.copyOf(entries);
    }

    /**
     * Looks a path up, waiting while the layer is still arriving and the name has not been seen.
     *
     * @param path a normalized path
     * @param timeout the longest wait
     * @return the node, or null when the layer does not have the path (a whiteout is a node of kind WHITEOUT)
     * @throws IOException when the wait timed out or the stream failed before the name could be decided
     */
    public synchronized Node lookup(String path, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Node n = find(path);
            if (n != null || complete || announced || prefixIsNotDirectory(path)) {
                if (n == null && failure != null && !announced) {
                    throw new IOException("layer stream failed before '" + path + "' was decided", failure);
                }
                return n;
            }
            await(deadline, path);
        }
    }

    /** Waits until a regular file's content is complete on disk. */
    public synchronized void awaitContent(Node node, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Node n = node.resolved();
        while (!n.ready) {
            if (failure != null) {
                throw new IOException("layer stream failed before '" + n.entry.path() + "' arrived", failure);
            }
            await(deadline, n.entry.path());
        }
    }

    /** @return whether the node's content is on disk */
    public synchronized boolean isReady(Node node) {
        return node.resolved().ready;
    }

    private void await(long deadline, String path) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new LayerTimeoutException("timed out waiting for '" + path + "' to arrive");
        }
        waiters++;
        try {
            wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + path);
        } finally {
            waiters--;
        }
    }

    /** @return the entry of a node (for a hard link: its target's) */
    public synchronized LayerEntry entry(Node node) {
        return node.resolved().entry;
    }

    /** @return a stable identity of the node within this layer (hard links share their target's) */
    public long id(Node node) {
        return node.resolved().id;
    }

    /** @return the link count of a regular file */
    public synchronized int links(Node node) {
        return node.resolved().links;
    }

    /** @return whether the directory node hides lower layers' contents */
    public synchronized boolean isOpaque(Node node) {
        return node.opaque;
    }

    /** @return the node's kind as stored (HARDLINK resolved to FILE) */
    public synchronized EntryKind kind(Node node) {
        return node.resolved().entry.kind();
    }

    /** @return the children of a directory node, sorted by name, whiteouts included */
    public synchronized Map<String, Node> children(Node dir) {
        return dir.children == null ? Map.of() : new LinkedHashMap<>(dir.children);
    }

    /**
     * Lists a directory, waiting for the directory's own entry while the layer is arriving.
     */
    public synchronized Path contentPath(Node node) {
        return contentRoot.resolve(entry(node).path());
    }

    private boolean prefixIsNotDirectory(String path) {
        // a/b cannot appear under a known non-directory a
        Node n = root;
        for (String part : path.split("/")) {
            if (n.children == null) {
                return true;
            }
            n = n.children.get(part);
            if (n == null) {
                return false;
            }
        }
        return false;
    }

    private Node find(String path) {
        if (path.isEmpty()) {
            return root;
        }
        Node n = root;
        for (String part : path.split("/")) {
            if (n.children == null) {
                return null;
            }
            n = n.children.get(part);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    private Node directory(String path, String forEntry) throws UnsafeArchiveException {
        Node n = root;
        if (path.isEmpty()) {
            return n;
        }
        StringBuilder sofar = new StringBuilder();
        for (String part : path.split("/")) {
            if (sofar.length() > 0) {
                sofar.append('/');
            }
            sofar.append(part);
            Node child = n.children.get(part);
            if (child == null) {
                child = new Node(nextId++, LayerEntry.implicitDir(sofar.toString()));
                child.ready = true;
                n.children.put(part, child);
            } else if (child.entry.kind() == EntryKind.SYMLINK) {
                throw new UnsafeArchiveException(forEntry, "path goes through the symlink '" + sofar + "'");
            } else if (child.children == null) {
                throw new UnsafeArchiveException(forEntry, "parent '" + sofar + "' is not a directory");
            }
            n = child;
        }
        return n;
    }

    private List<Node> allNodes() {
        List<Node> out = new ArrayList<>();
        List<Node> todo = new ArrayList<>(List.of(root));
        while (!todo.isEmpty()) {
            Node n = todo.remove(todo.size() - 1);
            out.add(n);
            if (n.children != null) {
                todo.addAll(n.children.values());
            }
        }
        return out;
    }
}
