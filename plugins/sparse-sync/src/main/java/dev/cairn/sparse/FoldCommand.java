package dev.cairn.sparse;

import dev.cairn.spi.io.FileIoProcessor;

import java.io.IOException;

/** {@code cairn fold <child> <parent>}: copies the child's data extents onto the parent. */
public final class FoldCommand extends LayerCommand {
    @Override
    public String name() {
        return "fold";
    }

    @Override
    public String summary() {
        return "Fold a child snapshot file onto its parent (child data overwrites, child holes keep the parent)";
    }

    @Override
    String usage() {
        return """
                usage: cairn fold <child> <parent>
                  Copies every data extent of <child> onto <parent> at the same offset; where <child> has holes
                  <parent> is left as it is. <parent> grows to <child>'s size when shorter.
                """;
    }

    @Override
    String firstRole() {
        return "a child";
    }

    @Override
    String secondRole() {
        return "a parent";
    }

    @Override
    boolean writesFirst() {
        return false;
    }

    @Override
    String apply(FileIoProcessor child, FileIoProcessor parent, Progress progress) throws IOException {
        long copied = Folding.fold(child, parent, progress);
        return "fold: copied " + Progress.bytes(copied) + " of child data onto the parent";
    }
}
