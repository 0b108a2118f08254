package org.tensorbasis.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;

/** Test helper: a run stopped at a given batch (its checkpoint written), resumed, and compared with an uninterrupted run. */
public final class StoppedRuns {
    private StoppedRuns() {}

    /** Trains {@code opts} (paths relative to {@code base}) into {@code model} and stops it at (epoch, batch); asserts it stopped. */
    public static TrainingSession.Outputs stopAt(Path opts, Path base, Path model, int epoch, int batch) throws IOException {
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(model);
        Trainer[] holder = new Trainer[1];
        holder[0] = new Trainer(Options.load(opts), base, new TrainingSession.Listener() {
            @Override
            public void progress(int e, int epochs, int b, int batches) {
                if (e == epoch && b == batch) holder[0].requestStop();
            }
        });
        assertThat(holder[0].train(out, null).interrupted()).isTrue();
        return out;
    }

    /** Resumes a stopped run from its checkpoint to the end and asserts its model file's tensors equal {@code reference}'s, bit for bit. */
    public static void resumeMatches(Path opts, Path base, TrainingSession.Outputs out, Path reference) throws IOException {
        assertThat(new Trainer(Options.load(opts), base, null).train(out, out.checkpoint()).interrupted()).isFalse();
        Map<String, ModelFile.Tensor> a = ModelFile.read(reference).tensors();
        Map<String, ModelFile.Tensor> b = ModelFile.read(out.model()).tensors();
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        for (String k : a.keySet()) assertThat(b.get(k).data()).as(k).isEqualTo(a.get(k).data());
    }
}
