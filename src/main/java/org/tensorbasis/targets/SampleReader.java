package org.tensorbasis.targets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.tensorbasis.BadInputException;
import org.tensorbasis.io.ExtXyzReader;

/** Reads every structure of an extended-XYZ file with its file name and frame (shared by train and eval). */
public final class SampleReader {
    private SampleReader() {}

    /** All frames of {@code file}; reader warnings go to {@code warnings}. */
    public static List<Sample> read(Path file, Consumer<String> warnings) {
        if (!Files.isRegularFile(file)) throw BadInputException.inFile(file.toString(), "no such file");
        List<Sample> out = new ArrayList<>();
        try (ExtXyzReader r = new ExtXyzReader(file, warnings)) {
            int frame = 0;
            while (r.hasNext()) out.add(new Sample(r.next(), file.toString(), frame++));
        } catch (IOException e) {
            throw BadInputException.inFile(file.toString(), "cannot read: " + e.getMessage());
        }
        return out;
    }
}
