package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.io.ExtXyzWriter;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

/**
 * Many elements at the default descriptor: the power spectrum grows as S² and there is one network
 * per element, so the memory estimate refuses the run at once (exit 2, one line with the numbers),
 * and small settings train.
 */
class MemoryCheckCliTest {
    static final Path PHONON = Path.of("../shared/data/phonon-bec-eps/phonon_becs_epsilon.xyz");

    @TempDir
    Path dir;

    /**
     * 66 small random structures over the elements Z = 1..64 (structure s holds element s + 1, H and O;
     * two more hold H and O only) with a per-atom rank-2 target, and a validation file of H and O
     * structures (a split could leave an element out of training).
     */
    Path sixtyFourElements() throws IOException {
        SplittableRandom rng = new SplittableRandom(64);
        List<Structure> frames = new ArrayList<>();
        for (int s = 0; s < 66; s++) frames.add(structure(rng, s < 64 ? s + 1 : 8));
        List<Structure> val = new ArrayList<>();
        for (int s = 0; s < 6; s++) val.add(structure(rng, 1));
        ExtXyzWriter.writeAll(dir.resolve("val.xyz"), val);
        Path data = dir.resolve("many.xyz");
        ExtXyzWriter.writeAll(data, frames);
        return data;
    }

    static Structure structure(SplittableRandom rng, int element) {
        int[] z = {element, 1, 8};
        int n = z.length;
        double[] x = new double[3 * n];
        double[] t = new double[9 * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 3; k++) x[3 * i + k] = 1.6 * i + 0.8 * rng.nextDouble();
            for (int k = 0; k < 9; k++) t[9 * i + k] = rng.nextGaussian();
        }
        Map<String, Value> arrays = new LinkedHashMap<>();
        arrays.put("zstar", Value.ofReals(n, 9, t));
        return new Structure(z, x, null, new LinkedHashMap<>(), arrays);
    }

    Path options(Path data, String target, String extra) throws IOException {
        Path o = dir.resolve("options.yaml");
        String split = target.equals("zstar") ? "validation_set: val.xyz\ntest_set: 0\n" : "";
        Files.writeString(o, "seed: 1\nthreads: 2\ntraining_set: " + data.toAbsolutePath() + "\n" + split + "targets:\n  " + target
            + ": {per_atom: true}\n" + extra);
        return o;
    }

    @Test
    void sixtyFourOneHotElementsAreRefusedAtOnce() throws IOException {
        Path o = options(sixtyFourElements(), "zstar", "model: {soap: {species_channels: one_hot}}\n");
        long t0 = System.nanoTime();
        CliRun r = CliRun.of("train", o.toString(), "-o", dir.resolve("m.tbm").toString());
        double seconds = (System.nanoTime() - t0) * 1e-9;
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        String err = r.err().strip();
        assertThat(err).doesNotContain("\n").startsWith("error: field 'model.soap.max_radial': training would need ~")
            .contains("583040 power-spectrum features per atom (64 elements)", "parameters", "model.bpnn.num_neurons_per_layer",
                "TENSORBASIS_JAVA_OPTS=-Xmx");
        assertThat(seconds).as("refused before anything large is allocated").isLessThan(3);
        assertThat(dir.resolve("m.tbm")).doesNotExist();
    }

    @Test
    void sixtyFourElementsTrainAtSmallSettings() throws IOException {
        Path o = options(sixtyFourElements(), "zstar", "model: {soap: {max_radial: 1, max_angular: 1}, bpnn: {num_hidden_layers: 1, num_neurons_per_layer: 4}}\n"
            + "training: {epochs: 1, batch_size: 16, refine_heads: false}\n");
        CliRun r = CliRun.of("train", o.toString(), "-o", dir.resolve("m.tbm").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("memory: \\d+ power-spectrum features per atom \\(64 elements\\), cache [0-9.]+ GB for \\d+ atoms");
        assertThat(dir.resolve("m.tbm")).exists();
        // linear_baseline: auto puts the joint kernel under zstar's axial block, with one target scale above 8 elements
        assertThat(r.out()).contains("linear baseline: zstar:L1- by a λ-SOAP kernel");
        org.tensorbasis.architecture.ResidualModel rm = (org.tensorbasis.architecture.ResidualModel)
            org.tensorbasis.architecture.TransformedModel.unwrap(org.tensorbasis.architecture.Architectures.load(dir.resolve("m.tbm"), 1));
        assertThat(rm.baselineBlocks()).containsExactly("zstar:L1-");
        assertThat(rm.baseline().options().hypers().toYaml()).contains("per_species_scale: false").contains("element_coupling: 0.5");
    }

    @Test
    void thePhononSetWithOneHotChannelsIsRefused() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(PHONON), "../shared/data/phonon-bec-eps is not present");
        Path o = options(PHONON, "becs", "model: {soap: {species_channels: one_hot}, scalar_network: per_element}\n");
        CliRun r = CliRun.of("train", o.toString(), "-o", dir.resolve("m.tbm").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n")
            .contains("583040 power-spectrum features per atom (64 elements)", "for 11220 atoms", "4.85G parameters",
                "use model.scalar_network: shared");
        // the default above 8 elements, one shared scalar network: 64 times fewer network parameters, but the one-hot cache alone is
        // 49 GB in float64 (training.feature_cache: auto then sizes the float32 cache, 24.5 GB with its expansions in float32 too, which does not fit either)
        o = options(PHONON, "becs", "model: {soap: {species_channels: one_hot}}\n");
        r = CliRun.of("train", o.toString(), "-o", dir.resolve("m.tbm").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n")
            .contains("583040 power-spectrum features per atom (64 elements)", "cache 24.5 GB (float32)", "76.33M parameters of one shared scalar network")
            .doesNotContain("use model.scalar_network");
    }

    /** The defaults compress 64 elements into 8 pseudo-species: 9264 features instead of 583040 (and the estimate sees it). */
    @Test
    void theDefaultsCompressSixtyFourElements() throws IOException {
        Path o = options(sixtyFourElements(), "zstar", "model: {bpnn: {num_neurons_per_layer: 4096}}\n");
        CliRun r = CliRun.of("train", o.toString(), "-o", dir.resolve("m.tbm").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").contains("9264 power-spectrum features per atom (64 elements)");
    }
}
