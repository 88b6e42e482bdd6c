package dev.cairn.sparse;

import dev.cairn.spi.io.FileIoProcessor;

import java.io.IOException;

/** {@code cairn prune <parent> <child>}: punches holes in the parent wherever the child has data. */
public final class PruneCommand extends LayerCommand {
    @Override
    public String name() {
        return "prune";
    }

    @Override
    public String summary() {
        return "Punch holes in a parent snapshot file wherever its child has data";
    }

    @Override
    String usage() {
        return """
                usage: cairn prune <parent> <child>
                  Punches a hole in <parent> (size kept) over every data extent of <child>: data the child
                  overrides is released from the parent.
                """;
    }

    @Override
    String firstRole() {
        return "a parent";
    }

    @Override
    String secondRole() {
        return "a child";
    }

    @Override
    boolean writesFirst() {
        return true;
    }

    @Override
    String apply(FileIoProcessor parent, FileIoProcessor child, Progress progress) throws IOException {
        long punched = Folding.prune(parent, child, progress);
        return "prune: punched " + Progress.bytes(punched) + " of holes in the parent";
    }
}
