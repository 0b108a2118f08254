package org.tensorbasis.training;

import org.tensorbasis.lambdamcov.LambdaMcovModel;
import org.tensorbasis.options.Options;
import org.tensorbasis.targets.Normalization;
import org.tensorbasis.targets.TargetLayout;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.basis.TensorBasis;
import org.tensorbasis.model.TensorModel;
import org.tensorbasis.structure.Structure;

/**
 * Targets with λ &gt; max_angular keep their λ correction: the model expands the density up to the largest
 * such λ (expansion-only orders), and stays exactly equivariant.
 */
class LambdaAboveMaxAngularTest {
    static final Path QM7X = Path.of("../shared/data/qm7x-chns-alpha/qm7x_reduced_100.xyz");
    static final int[] SPECIES = {1, 6, 7, 16};
    static final List<int[]> BLOCKS = List.of(new int[] {8, 1}, new int[] {8, -1}, new int[] {7, 1}, new int[] {2, 1});
    static final String YAML = "training_set: t.xyz\n"
        + "targets:\n"
        + "  s:\n"
        + "    type: spherical\n"
        + "    blocks: [[8, 1], [8, -1], [7, 1], [2, 1]]\n"
        + "model:\n"
        + "  bpnn: {num_hidden_layers: 1, num_neurons_per_layer: 8}\n";

    static LambdaMcovModel model() {
        Options options = Options.parse(YAML, "opts.yaml", null);
        Map<String, TargetLayout> layouts = new LinkedHashMap<>();
        layouts.put("s", TargetLayout.spherical("s", BLOCKS));
        List<Normalization> norms = new ArrayList<>();
        for (TargetLayout.Block b : layouts.get("s").blocks()) norms.add(new Normalization(1, b.properties(), b.dim(), null));
        return new LambdaMcovModel(options, YAML, SPECIES, layouts, norms.toArray(new Normalization[0]), new LinkedHashMap<>(), 11L, 1);
    }

    /** A QM7-X molecule (skips without the shared data) or a random H/C/N/S molecule. */
    static Structure molecule(boolean real) throws Exception {
        if (real) {
            Assumptions.assumeTrue(Files.isRegularFile(QM7X), "shared data not found at " + QM7X.toAbsolutePath());
            return ExtXyzReader.readAll(QM7X).get(3);
        }
        SplittableRandom rng = new SplittableRandom(17);
        int n = 12;
        int[] z = new int[n];
        double[] x = new double[3 * n];
        for (int i = 0; i < n; i++) {
            z[i] = SPECIES[rng.nextInt(SPECIES.length)];
            outer:
            while (true) {
                for (int k = 0; k < 3; k++) x[3 * i + k] = 5.0 * (rng.nextDouble() - 0.5);
                for (int j = 0; j < i; j++) {
                    double d2 = 0;
                    for (int k = 0; k < 3; k++) d2 += Math.pow(x[3 * i + k] - x[3 * j + k], 2);
                    if (d2 < 0.64) continue outer;
                }
                break;
            }
        }
        return new Structure(z, x);
    }

    @Test
    void expansionCoversTheLargestCorrectedLambda() {
        LambdaMcovModel m = model();
        assertThat(m.expansion().maxAngular()).isEqualTo(6);
        assertThat(m.expansion().maxExpansionL()).isEqualTo(8);
        assertThat(m.expansion().powerSpectrumSize()).isEqualTo(2360);  // unchanged: l ≤ 6 only
        TensorModel net = m.network();
        assertThat(net.kPerL()).hasSize(9);
        assertThat(net.kPerL()[7]).isEqualTo(4 * 4);
        assertThat(net.kPerL()[8]).isEqualTo(4 * 4);
        assertThat(net.expansionOrders()).containsExactly(1, 2, 7, 8);
        for (int b = 0; b < net.blocks().size(); b++) {
            assertThat(net.basis(b).usesLambdaCorrection()).as(net.blocks().get(b).name()).isTrue();
            // 2λ+1 MCoV elements, 2λ+1 of the λ correction, and (position_basis: auto) the position elements of σ = +1
            TensorModel.Block bl = net.blocks().get(b);
            assertThat(net.basis(b).usesPosition()).as(bl.name()).isEqualTo(bl.sigma() == 1);
            assertThat(net.basis(b).size()).isEqualTo(2 * bl.dim() + (bl.sigma() == 1 ? TensorBasis.positionElements(bl.lambda()) : 0));
        }
        assertThat(m.describe()).contains("s:L8+ (1×38 basis, 4 position)");
    }

    static Stream<Arguments> cases() {
        return Stream.of(Arguments.of(true, false, 1L), Arguments.of(true, true, 2L),
            Arguments.of(false, false, 3L), Arguments.of(false, true, 4L));
    }

    /** Untrained model: outputs and λ-correction columns rotate with σ(±1)^λ D^λ, to 1e-12; the columns are non-zero. */
    @ParameterizedTest
    @MethodSource("cases")
    void equivariantWithLambdaCorrectionAboveMaxAngular(boolean real, boolean improper, long seed) throws Exception {
        LambdaMcovModel m = model();
        Structure s = molecule(real);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] rot = Rotations.random(rng);
        double[] q = improper ? Rotations.improper(rot) : rot;
        Structure t = s.withGeometry(Rotations.apply(q, s.positions()), null);
        List<Structure> both = List.of(s, t);
        FeatureCache cache = m.features(both, 1);
        TensorModel net = m.network();
        int atoms = s.size();
        // per structure: forward of that structure alone, copies of outputs and basis values
        double[][][] out = new double[2][net.blocks().size()][], basis = new double[2][net.blocks().size()][];
        for (int k = 0; k < 2; k++) {
            AtomBatch batch = m.batch(cache, new int[] {k}, both);
            net.forward(batch);
            for (int b = 0; b < net.blocks().size(); b++) {
                int dim = net.blocks().get(b).dim();
                out[k][b] = java.util.Arrays.copyOf(net.structureOutput(b), dim);
                basis[k][b] = java.util.Arrays.copyOf(net.basisValues(b), atoms * net.basis(b).size() * dim);
            }
        }
        for (int b = 0; b < net.blocks().size(); b++) {
            TensorModel.Block bl = net.blocks().get(b);
            int dim = bl.dim(), nb = net.basis(b).size(), mcov = dim;  // MCoV columns first, then the 2λ+1 correction columns
            double[] w = Rotations.wigner(bl.lambda(), bl.sigma(), q);
            double[] expect = rotate(w, dim, out[0][b], 0);
            double scale = maxAbs(out[0][b], 0, dim);
            assertThat(scale).as(bl.name()).isGreaterThan(1e-8);
            assertThat(maxAbsDiff(expect, out[1][b], 0, dim)).as("%s output", bl.name()).isLessThan(1e-12 * scale);
            // the λ-correction columns of every atom
            double corrMax = 0, worst = 0, basisScale = maxAbs(basis[0][b], 0, basis[0][b].length);
            for (int i = 0; i < atoms; i++) {
                for (int c = mcov; c < nb; c++) {
                    int off = (i * nb + c) * dim;
                    corrMax = Math.max(corrMax, maxAbs(basis[0][b], off, dim));
                    double[] e = rotate(w, dim, basis[0][b], off);
                    for (int mu = 0; mu < dim; mu++) worst = Math.max(worst, Math.abs(e[mu] - basis[1][b][off + mu]));
                }
            }
            System.out.printf("%s %s %s: output rel. err %.1e, λ-correction columns rel. err %.1e, max |col| / max |basis| %.2f%n",
                real ? "qm7x" : "random", improper ? "improper" : "proper", bl.name(), maxAbsDiff(expect, out[1][b], 0, dim) / scale,
                worst / basisScale, corrMax / basisScale);
            assertThat(corrMax).as("%s λ-correction columns non-zero", bl.name()).isGreaterThan(1e-4 * basisScale);
            assertThat(worst).as("%s λ-correction columns", bl.name()).isLessThan(1e-12 * basisScale);
        }
    }

    @Test
    void saveAndLoadKeepsTheHighOrderCorrection(@TempDir Path dir) throws Exception {
        LambdaMcovModel m = model();
        Path file = dir.resolve("m.tbm");
        m.save(file);
        LambdaMcovModel back = LambdaMcovModel.load(file);
        assertThat(back.expansion().maxExpansionL()).isEqualTo(8);
        assertThat(back.network().parameters().values()).isEqualTo(m.network().parameters().values());
        List<Structure> one = List.of(molecule(false));
        AtomBatch ba = m.batch(m.features(one, 1), new int[] {0}, one), bb = back.batch(back.features(one, 1), new int[] {0}, one);
        m.network().forward(ba);
        back.network().forward(bb);
        for (int blk = 0; blk < m.network().blocks().size(); blk++) {
            int dim = m.network().blocks().get(blk).dim();
            assertThat(java.util.Arrays.copyOf(back.network().structureOutput(blk), dim))
                .isEqualTo(java.util.Arrays.copyOf(m.network().structureOutput(blk), dim));
        }
    }

    static double[] rotate(double[] w, int dim, double[] v, int off) {
        double[] r = new double[dim];
        for (int a = 0; a < dim; a++) {
            double s = 0;
            for (int c = 0; c < dim; c++) s += w[a * dim + c] * v[off + c];
            r[a] = s;
        }
        return r;
    }

    static double maxAbs(double[] v, int off, int n) {
        double m = 0;
        for (int k = 0; k < n; k++) m = Math.max(m, Math.abs(v[off + k]));
        return m;
    }

    static double maxAbsDiff(double[] a, double[] b, int off, int n) {
        double m = 0;
        for (int k = 0; k < n; k++) m = Math.max(m, Math.abs(a[k] - b[off + k]));
        return m;
    }
}
