package org.tensorbasis.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.structure.Structure;

/**
 * End-to-end symmetry of the untrained model (random weights) on real structures: structure →
 * neighbour list → spherical expansion / feature cache → AtomBatch → TensorModel.forward. For random
 * proper and improper rotations Q (positions and lattice vectors rotated), every block (λ = 0..8,
 * σ = ±1, with and without λ correction, both pseudotensor constructions) must satisfy
 * {@code y(QA) = Rotations.wigner(λ, σ, Q) y(A)} per structure and per atom; permutations and
 * translations leave per-structure outputs unchanged and permute per-atom outputs. Descriptors use
 * max_angular 8 so that λ corrections exist up to λ = 8.
 */
class ModelEquivarianceTest {
    static final int MAX_L = 8;
    static final double TOL = 1e-12;

    enum Source { BUILT_MOLECULES, QM7X_MOLECULES, BUILT_TRICLINIC_CELL, BULK_WATER_FRAME }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Source s : Source.values()) {
            for (PseudoMode m : PseudoMode.values()) {
                out.add(Arguments.of(s, m, false));
                out.add(Arguments.of(s, m, true)); // the shared scalar network with its element embedding
            }
        }
        return out.stream();
    }

    /** The structures of a source (skipped cleanly when a shared data file is absent). */
    static List<Structure> structures(Source source) throws IOException {
        SplittableRandom rng = new SplittableRandom(2026);
        List<Structure> out = new ArrayList<>();
        switch (source) {
            case BUILT_MOLECULES -> {
                out.add(RealPipeline.randomMolecule(rng, new int[] {6, 6, 8, 7, 1, 1, 1, 1, 1}));
                out.add(RealPipeline.randomMolecule(rng, new int[] {8, 1, 1, 6, 1}));
            }
            case QM7X_MOLECULES -> out.addAll(RealPipeline.firstFrames(RealPipeline.data("qm7x-chns-alpha", "qm7x_reduced_100.xyz"), 3));
            case BUILT_TRICLINIC_CELL -> out.add(RealPipeline.randomTriclinicCell(rng, new int[] {8, 1, 1, 6, 1, 8}));
            case BULK_WATER_FRAME -> out.addAll(RealPipeline.firstFrames(RealPipeline.data("bulk-water-dielectric", "water_bulk_1000.xyz"), 1));
        }
        Assumptions.assumeTrue(!out.isEmpty(), "shared data for " + source + " not found under ../shared/data");
        return out;
    }

    /** Every (λ, σ, correction) block, two properties each, and the proper ones again with position elements. */
    static TensorModel model(int[] species, SphericalExpansion calc, PseudoMode mode, boolean shared) {
        List<TensorModel.Block> blocks = new ArrayList<>();
        for (int lambda = 0; lambda <= MAX_L; lambda++) {
            for (int sigma : new int[] {1, -1}) {
                for (boolean corr : lambda >= 2 ? new boolean[] {false, true} : new boolean[] {false}) {
                    String name = String.format(Locale.ROOT, "L%d%s%s", lambda, sigma > 0 ? "+" : "-", corr ? "c" : "");
                    blocks.add(new TensorModel.Block(name, lambda, sigma, 2, false, corr, mode));
                    // position elements (zero in the periodic sources)
                    if (sigma == 1) blocks.add(new TensorModel.Block(name + "p", lambda, sigma, 2, false, corr, mode, true));
                }
            }
        }
        TensorModel.Hypers hy = shared ? new TensorModel.Hypers(8, 2, 1, ScalarNetworks.Mode.SHARED, 4) : new TensorModel.Hypers(8, 2, 1);
        return new TensorModel(species, calc.powerSpectrumSize(), RealPipeline.kPerL(calc), hy, blocks, 7);
    }

    /** Copies of the per-atom and per-structure outputs of every block. */
    record Outputs(double[][] atom, double[][] struct) {}

    static Outputs run(TensorModel m, AtomBatch batch) {
        m.forward(batch);
        int nb = m.blocks().size();
        double[][] a = new double[nb][];
        double[][] s = new double[nb][];
        for (int b = 0; b < nb; b++) {
            int w = m.blocks().get(b).properties() * m.blocks().get(b).dim();
            a[b] = java.util.Arrays.copyOf(m.atomOutput(b), batch.atoms() * w);
            s[b] = java.util.Arrays.copyOf(m.structureOutput(b), batch.structures() * w);
        }
        return new Outputs(a, s);
    }

    /** ‖got − D·ref‖ / ‖ref‖ with D applied to every (2λ+1)-row. */
    static double relativeError(double[] ref, double[] got, double[] d, int dim) {
        double err = 0, norm = 0;
        for (int r = 0; r < ref.length; r += dim) {
            for (int i = 0; i < dim; i++) {
                double acc = 0;
                for (int j = 0; j < dim; j++) acc += d[i * dim + j] * ref[r + j];
                double e = got[r + i] - acc;
                err += e * e;
                norm += ref[r + i] * ref[r + i];
            }
        }
        assertThat(norm).as("reference output must not vanish").isGreaterThan(0.0);
        return Math.sqrt(err / norm);
    }

    static double[] identity(int dim) {
        double[] d = new double[dim * dim];
        for (int i = 0; i < dim; i++) d[i * dim + i] = 1;
        return d;
    }

    @ParameterizedTest(name = "{0} {1} shared network {2}")
    @MethodSource("cases")
    void equivariantUnderProperAndImproperRotations(Source source, PseudoMode mode, boolean shared) throws IOException {
        List<Structure> structures = structures(source);
        int[] species = RealPipeline.species(structures);
        SphericalExpansion calc = RealPipeline.expansion(MAX_L, species);
        TensorModel m = model(species, calc, mode, shared);
        AtomBatch batch = RealPipeline.batch(structures, calc);
        // basis elements scaled to unit RMS on these structures (factors up to 1e6), as training does
        m.fitBasisScales(List.of(batch));
        Outputs ref = run(m, batch);
        SplittableRandom rng = new SplittableRandom(source.ordinal() * 31L + mode.ordinal() + (shared ? 7 : 0));
        double worst = 0;
        for (int t = 0; t < 4; t++) {
            double[] r = Rotations.random(rng);
            double[] q = t % 2 == 0 ? r : Rotations.improper(r);
            List<Structure> moved = new ArrayList<>();
            for (Structure s : structures) moved.add(RealPipeline.transform(s, q));
            Outputs got = run(m, RealPipeline.batch(moved, calc));
            for (int b = 0; b < m.blocks().size(); b++) {
                TensorModel.Block bl = m.blocks().get(b);
                double[] d = Rotations.wigner(bl.lambda(), bl.sigma(), q);
                double ea = relativeError(ref.atom()[b], got.atom()[b], d, bl.dim());
                double es = relativeError(ref.struct()[b], got.struct()[b], d, bl.dim());
                assertThat(ea).as("%s per atom, improper=%s", bl.name(), t % 2 == 1).isLessThanOrEqualTo(TOL);
                assertThat(es).as("%s per structure, improper=%s", bl.name(), t % 2 == 1).isLessThanOrEqualTo(TOL);
                worst = Math.max(worst, Math.max(ea, es));
            }
        }
        System.out.printf(Locale.ROOT, "equivariance %s %s shared %b: worst relative error %.2e%n", source, mode, shared, worst);
    }

    @ParameterizedTest(name = "{0} {1} shared network {2}")
    @MethodSource("cases")
    void invariantUnderPermutationAndTranslation(Source source, PseudoMode mode, boolean shared) throws IOException {
        List<Structure> structures = structures(source);
        int[] species = RealPipeline.species(structures);
        SphericalExpansion calc = RealPipeline.expansion(MAX_L, species);
        TensorModel m = model(species, calc, mode, shared);
        AtomBatch batch = RealPipeline.batch(structures, calc);
        Outputs ref = run(m, batch);
        SplittableRandom rng = new SplittableRandom(77 + source.ordinal());

        // permutation: per-structure outputs unchanged, per-atom outputs permuted
        List<Structure> permuted = new ArrayList<>();
        List<int[]> perms = new ArrayList<>();
        for (Structure s : structures) {
            int[] p = RealPipeline.randomPermutation(rng, s.size());
            perms.add(p);
            permuted.add(RealPipeline.permute(s, p));
        }
        Outputs got = run(m, RealPipeline.batch(permuted, calc));
        for (int b = 0; b < m.blocks().size(); b++) {
            TensorModel.Block bl = m.blocks().get(b);
            int w = bl.properties() * bl.dim();
            double[] expected = new double[ref.atom()[b].length];
            for (int s = 0, start = 0; s < structures.size(); start += structures.get(s).size(), s++) {
                int[] p = perms.get(s);
                for (int k = 0; k < p.length; k++) {
                    System.arraycopy(ref.atom()[b], (start + p[k]) * w, expected, (start + k) * w, w);
                }
            }
            assertThat(relativeError(expected, got.atom()[b], identity(bl.dim()), bl.dim())).as("%s per atom, permuted", bl.name())
                .isLessThanOrEqualTo(TOL);
            assertThat(relativeError(ref.struct()[b], got.struct()[b], identity(bl.dim()), bl.dim())).as("%s per structure, permuted", bl.name())
                .isLessThanOrEqualTo(TOL);
        }

        // translation: everything unchanged
        List<Structure> shifted = new ArrayList<>();
        for (Structure s : structures) shifted.add(RealPipeline.translate(s, 3 * rng.nextGaussian(), 3 * rng.nextGaussian(), 3 * rng.nextGaussian()));
        got = run(m, RealPipeline.batch(shifted, calc));
        for (int b = 0; b < m.blocks().size(); b++) {
            TensorModel.Block bl = m.blocks().get(b);
            assertThat(relativeError(ref.atom()[b], got.atom()[b], identity(bl.dim()), bl.dim())).as("%s per atom, translated", bl.name())
                .isLessThanOrEqualTo(TOL);
            assertThat(relativeError(ref.struct()[b], got.struct()[b], identity(bl.dim()), bl.dim())).as("%s per structure, translated", bl.name())
                .isLessThanOrEqualTo(TOL);
        }
    }
}
