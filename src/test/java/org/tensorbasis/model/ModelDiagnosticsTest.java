package org.tensorbasis.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.tensorbasis.basis.BasisDiagnostics;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;

/**
 * Rank diagnostics of the untrained model (random weights) on real environments through the whole
 * pipeline, against the degeneracies derived from symmetry (method.md §4, docs/model.md):
 * <ul>
 *   <li>linear molecule: every density channel ∝ Y_l(axis), so every basis element ∝ Y_λ(axis): rank 1;
 *       all axial vectors vanish: σ = −1 rank 0 in both constructions;</li>
 *   <li>centrosymmetric site: odd-l densities vanish, so the learned vectors and the whole vector basis
 *       vanish; only the λ correction survives, and only for even λ (cubic site: not even λ = 2);</li>
 *   <li>planar environment (mirror symmetry): proper rank λ+1; pseudo-maximal rank λ; pseudoscalar 0;</li>
 *   <li>generic site: full rank 2λ+1 for every construction.</li>
 * </ul>
 * Condition numbers are +∞ where the rank is deficient and never NaN.
 */
class ModelDiagnosticsTest {
    static final double TOL = BasisDiagnostics.DEFAULT_RANK_TOLERANCE;
    static final int[] SPECIES = {1, 6, 7, 8};

    record Kind(int lambda, int sigma, boolean corr, PseudoMode mode) {
        String name() {
            return String.format(Locale.ROOT, "L%d%s%s%s", lambda, sigma > 0 ? "+" : "-", corr ? "c" : "",
                sigma > 0 ? "" : mode == PseudoMode.PSEUDOSCALAR ? "ps" : "pm");
        }
    }

    static final List<Kind> KINDS = new ArrayList<>();

    static {
        for (int lambda = 2; lambda <= 4; lambda++) {
            for (boolean corr : new boolean[] {false, true}) {
                KINDS.add(new Kind(lambda, 1, corr, null));
                KINDS.add(new Kind(lambda, -1, corr, PseudoMode.PSEUDOSCALAR));
                KINDS.add(new Kind(lambda, -1, corr, PseudoMode.PSEUDO_MAXIMAL));
            }
        }
    }

    final SphericalExpansion calc = RealPipeline.expansion(6, SPECIES);
    final TensorModel model;

    ModelDiagnosticsTest() {
        List<TensorModel.Block> blocks = new ArrayList<>();
        for (Kind k : KINDS) blocks.add(new TensorModel.Block(k.name(), k.lambda(), k.sigma(), 1, true, k.corr(), k.mode()));
        // V gives v1..v3; P is the pseudoscalar of the same three vectors (weights copied below)
        blocks.add(new TensorModel.Block("V", 1, 1, 1, true, false, null));
        blocks.add(new TensorModel.Block("P", 0, -1, 1, true, false, PseudoMode.PSEUDOSCALAR));
        model = new TensorModel(SPECIES, calc.powerSpectrumSize(), RealPipeline.kPerL(calc), new TensorModel.Hypers(8, 2, 1), blocks, 11);
        Parameters p = model.parameters();
        for (int z : SPECIES) {
            Parameters.Block v = p.block("V.v.Z" + z);
            Parameters.Block u = p.block("P.u.Z" + z);
            System.arraycopy(p.values(), v.offset(), p.values(), u.offset(), v.size());
        }
    }

    double[] scale;

    /**
     * Per block, the largest singular value over the atoms of a generic molecule: the scale against
     * which a basis made only of round-off (e.g. products of vectors that cancel to 1e-17) counts as zero.
     * {@link BasisDiagnostics} ranks relative to each atom's own largest singular value, so it cannot
     * tell a round-off basis from a real one; the effective rank below can.
     */
    double[] scales() {
        if (scale == null) {
            Structure s = RealPipeline.randomMolecule(new SplittableRandom(3), new int[] {6, 7, 8, 1, 1, 1, 6, 1});
            model.forward(RealPipeline.batch(List.of(s), calc));
            scale = new double[KINDS.size()];
            for (int k = 0; k < KINDS.size(); k++) {
                for (BasisDiagnostics.Result r : model.diagnostics(k, TOL)) scale[k] = Math.max(scale[k], r.singularValues()[0]);
                assertThat(scale[k]).isGreaterThan(0.0);
            }
        }
        return scale;
    }

    /** Singular values above TOL × the block's generic scale. */
    int effectiveRank(int k, BasisDiagnostics.Result r) {
        int n = 0;
        for (double sv : r.singularValues()) if (sv > TOL * scales()[k]) n++;
        return n;
    }

    /** Diagnostics of every atom of one structure, per kind; checks that no condition number is NaN. */
    BasisDiagnostics.Result[][] diagnose(Structure s) {
        scales();
        model.forward(RealPipeline.batch(List.of(s), calc));
        BasisDiagnostics.Result[][] out = new BasisDiagnostics.Result[KINDS.size()][];
        for (int k = 0; k < KINDS.size(); k++) {
            out[k] = model.diagnostics(k, TOL);
            for (BasisDiagnostics.Result r : out[k]) {
                assertThat(r.conditionNumber()).as(KINDS.get(k).name()).isNotNaN();
                for (double sv : r.singularValues()) assertThat(sv).isNotNaN();
                assertThat(Double.isInfinite(r.conditionNumber())).as(KINDS.get(k).name() + " ∞ condition iff rank deficient")
                    .isEqualTo(r.rank() < 2 * KINDS.get(k).lambda() + 1);
            }
        }
        return out;
    }

    interface Expected {
        int rank(Kind k);
    }

    /**
     * Effective ranks equal the expected ones for λ ≤ 3; for λ = 4 (ill-conditioned with random weights:
     * singular values spread like (|v1|/|v2|)^λ) only the symmetry bound rank ≤ expected is asserted.
     */
    void assertRanks(String what, BasisDiagnostics.Result[][] d, int atom, Expected e) {
        for (int k = 0; k < KINDS.size(); k++) {
            Kind kind = KINDS.get(k);
            if (kind.lambda() > 3) {
                assertThat(effectiveRank(k, d[k][atom])).as("%s atom %d %s", what, atom, kind.name()).isLessThanOrEqualTo(e.rank(kind));
                continue;
            }
            assertThat(effectiveRank(k, d[k][atom])).as("%s atom %d %s singular values %s", what, atom, kind.name(),
                java.util.Arrays.toString(d[k][atom].singularValues())).isEqualTo(e.rank(kind));
        }
    }

    /** |p| / (|v1| |v2| |v3|) of atom i, with p = [[v1⊗v2]^1⊗v3]^0 ∝ v1·(v2×v3): 0 for coplanar vectors. */
    double relativePseudoscalar(int atom) {
        double[] v = model.basisValues(model.blockIndex("V"));
        double n = 1;
        for (int k = 0; k < 3; k++) {
            int o = atom * 9 + 3 * k;
            n *= Math.sqrt(v[o] * v[o] + v[o + 1] * v[o + 1] + v[o + 2] * v[o + 2]);
        }
        assertThat(n).isGreaterThan(0.0);
        return Math.abs(model.basisValues(model.blockIndex("P"))[atom]) / n;
    }

    static Structure co2(double[] q) {
        double[] p = {0, 0, 0, 0, 0, 1.16, 0, 0, -1.16};
        return new Structure(new int[] {6, 8, 8}, Rotations.apply(q, p));
    }

    @Test
    void linearMoleculeHasRankOneAndNoPseudotensors() {
        double[] identity = {1, 0, 0, 0, 1, 0, 0, 0, 1};
        // along z the degeneracy is exact in floating point; along a random axis it holds to round-off
        for (double[] q : new double[][] {identity, Rotations.random(new SplittableRandom(5))}) {
            boolean exact = q == identity;
            Structure s = co2(q);
            BasisDiagnostics.Result[][] d = diagnose(s);
            for (int atom = 1; atom <= 2; atom++) {
                // O: every element ∝ Y_λ(axis)
                for (int k = 0; k < KINDS.size(); k++) {
                    Kind kind = KINDS.get(k);
                    int expected = kind.sigma() > 0 ? 1 : 0;
                    assertThat(effectiveRank(k, d[k][atom])).as("CO2 O %s %s", kind.name(), java.util.Arrays.toString(d[k][atom].singularValues()))
                        .isEqualTo(expected);
                    // along z the degeneracy is exact, so the model's own (relative) rank sees it too
                    if (exact || kind.sigma() > 0) assertThat(d[k][atom].rank()).isEqualTo(expected);
                }
                assertThat(relativePseudoscalar(atom)).isLessThan(1e-14);
            }
            // C: centrosymmetric, only even-λ corrections survive, ∝ Y_λ(axis)
            assertRanks("CO2 C", d, 0, k -> k.sigma() > 0 && k.corr() && k.lambda() % 2 == 0 ? 1 : 0);
        }
    }

    @Test
    void cubicSiteKeepsOnlyTheLambdaFourCorrection() {
        // simple cubic lattice of C: first and second shells (6 at a, 12 at a√2) inside the 5 Å cutoff
        double a = 3.0;
        Structure s = new Structure(new int[] {6}, new double[] {0, 0, 0},
            Cell.periodic(new double[] {a, 0, 0, 0, a, 0, 0, 0, a}), null, null);
        BasisDiagnostics.Result[][] d = diagnose(s);
        // cubic symmetry: no l = 1, 2, 3 density; l = 4 has exactly one cubic invariant direction
        assertRanks("cubic site", d, 0, k -> k.sigma() > 0 && k.corr() && k.lambda() == 4 ? 1 : 0);
        // the bound above is all assertRanks checks at λ = 4: the l = 4 cubic invariant must also be there
        int k4 = KINDS.indexOf(new Kind(4, 1, true, null));
        assertThat(effectiveRank(k4, d[k4][0])).as("cubic site L4+c").isEqualTo(1);
        assertThat(d[k4][0].rank()).isEqualTo(1);
    }

    static Structure planarWater() {
        // generic in-plane geometry in z = 0 (no C2v symmetry), so the degeneracy is exact
        return new Structure(new int[] {8, 1, 1}, new double[] {0, 0, 0, 0.95, 0.12, 0, -0.31, 0.91, 0});
    }

    @Test
    void planarMoleculeLosesTheOutOfPlaneComponents() {
        BasisDiagnostics.Result[][] d = diagnose(planarWater());
        for (int atom = 0; atom < 3; atom++) {
            assertRanks("planar water", d, atom, k -> k.sigma() > 0 ? k.lambda() + 1
                : k.mode() == PseudoMode.PSEUDO_MAXIMAL ? k.lambda() : 0);
            assertThat(relativePseudoscalar(atom)).isLessThan(1e-14);
        }
    }

    @Test
    void datasetWaterMonomers() throws IOException {
        List<Structure> w = RealPipeline.firstFrames(RealPipeline.data("water-monomer-sagpr", "water_monomer_1000.xyz"), 2);
        Assumptions.assumeTrue(w.size() == 2, "../shared/data/water-monomer-sagpr not found");
        SplittableRandom rng = new SplittableRandom(9);
        // frame 0 is symmetric (C2v): O sits on the two-fold axis, so all its learned vectors are parallel
        // (vector basis rank 1); the λ correction adds the second C2v-invariant direction of λ = 2, 3;
        // the axial vectors vanish (pseudotensors rank 0, although C2v would allow one A2 direction).
        // H atoms only have the mirror plane: planar ranks.
        Structure sym = RealPipeline.transform(w.get(0), Rotations.random(rng));
        BasisDiagnostics.Result[][] d = diagnose(new Structure(sym.numbers(), sym.positions()));
        assertRanks("C2v water O", d, 0, k -> k.sigma() < 0 ? 0 : k.corr() ? 2 : 1);
        for (int atom = 1; atom < 3; atom++) {
            assertRanks("C2v water H", d, atom, k -> k.sigma() > 0 ? k.lambda() + 1 : k.mode() == PseudoMode.PSEUDO_MAXIMAL ? k.lambda() : 0);
        }
        // frame 1 is asymmetric and planar, in a generic orientation: planar ranks on the H atoms; its O
        // is close to C2v (vectors nearly parallel: σ_3/σ_1 ~ 1e-12 for λ = 2), so there only the bound holds
        Structure planar = RealPipeline.transform(w.get(1), Rotations.random(rng));
        d = diagnose(new Structure(planar.numbers(), planar.positions()));
        for (int k = 0; k < KINDS.size(); k++) {
            Kind kind = KINDS.get(k);
            assertThat(effectiveRank(k, d[k][0])).isLessThanOrEqualTo(kind.sigma() > 0 ? kind.lambda() + 1
                : kind.mode() == PseudoMode.PSEUDO_MAXIMAL ? kind.lambda() : 0);
        }
        assertThat(relativePseudoscalar(0)).isLessThan(1e-14);
        for (int atom = 1; atom < 3; atom++) {
            assertRanks("planar water", d, atom, k -> k.sigma() > 0 ? k.lambda() + 1 : k.mode() == PseudoMode.PSEUDO_MAXIMAL ? k.lambda() : 0);
            assertThat(relativePseudoscalar(atom)).isLessThan(1e-14);
        }
    }

    @Test
    void genericSitesHaveFullRank() throws IOException {
        List<Structure> structures = new ArrayList<>();
        structures.add(RealPipeline.randomMolecule(new SplittableRandom(3), new int[] {6, 7, 8, 1, 1, 1, 6, 1}));
        structures.addAll(RealPipeline.firstFrames(RealPipeline.data("qm7x-chno-mu-alpha", "qm7x_reduced_100_CHNO.xyz"), 2));
        for (Structure s : structures) {
            BasisDiagnostics.Result[][] d = diagnose(s);
            for (int atom = 0; atom < s.size(); atom++) {
                int a = atom;
                for (int k = 0; k < KINDS.size(); k++) {
                    if (KINDS.get(k).lambda() <= 3) assertThat(d[k][a].rank()).isEqualTo(2 * KINDS.get(k).lambda() + 1);
                    if (KINDS.get(k).lambda() <= 3) assertThat(d[k][a].conditionNumber()).isFinite();
                }
            }
        }
    }
}
