package org.tensorbasis.evaluation;

import org.tensorbasis.targets.TargetLayout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.equivariant.CartesianTensors;
import org.tensorbasis.equivariant.Decomposition;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

/** The block-wise comparison of {@link SymmetryCheck} against Cartesian rotations of tensors. */
class SymmetryCheckTest {

    static Stream<Arguments> layouts() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int rank = 1; rank <= 4; rank++) {
            for (boolean sym : new boolean[] {false, true}) {
                if (rank == 1 && sym) continue;
                for (long seed = 1; seed <= 3; seed++) b.add(Arguments.of(rank, sym, seed));
            }
        }
        return b.build();
    }

    static double[] randomTensor(SplittableRandom rng, int rank, boolean symmetric) {
        int n = (int) Math.round(Math.pow(3, rank));
        double[] t = new double[n];
        for (int i = 0; i < n; i++) t[i] = rng.nextDouble(-1, 1);
        if (!symmetric) return t;
        // symmetrise by averaging over index permutations (sorting the digits picks the representative)
        double[] s = new double[n];
        int[] count = new int[n];
        for (int c = 0; c < n; c++) {
            int key = sortedDigits(c, rank);
            s[key] += t[c];
            count[key]++;
        }
        for (int c = 0; c < n; c++) t[c] = s[sortedDigits(c, rank)] / count[sortedDigits(c, rank)];
        return t;
    }

    static int sortedDigits(int c, int rank) {
        int[] d = new int[rank];
        for (int k = rank - 1; k >= 0; k--) {
            d[k] = c % 3;
            c /= 3;
        }
        java.util.Arrays.sort(d);
        int key = 0;
        for (int x : d) key = 3 * key + x;
        return key;
    }

    /** Rotating the Cartesian tensors and comparing spherical blocks with D(Q) agree, for proper and improper Q. */
    @ParameterizedTest(name = "rank {0} symmetric {1} seed {2}")
    @MethodSource("layouts")
    void blockRotationMatchesCartesianRotation(int rank, boolean symmetric, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        TargetLayout layout = TargetLayout.cartesian("t", rank, symmetric, null);
        int rows = 3; // like a per-atom target
        int w = layout.width();
        int ss = layout.sphericalSize();
        for (int trial = 0; trial < 4; trial++) {
            double[] q = Rotations.random(rng);
            if (trial % 2 == 1) q = Rotations.improper(q);
            double[] before = new double[rows * ss];
            double[] after = new double[rows * ss];
            double norm2 = 0;
            for (int r = 0; r < rows; r++) {
                double[] t = randomTensor(rng, rank, symmetric);
                System.arraycopy(layout.toSpherical(t, 0), 0, before, r * ss, ss);
                System.arraycopy(layout.toSpherical(CartesianTensors.transform(q, t, rank), 0), 0, after, r * ss, ss);
                for (double x : t) norm2 += x * x;
            }
            assertThat(w).isEqualTo((int) Math.round(Math.pow(3, rank)));
            assertThat(Math.sqrt(SymmetryCheck.residual2(layout, q, before, after) / norm2)).isLessThan(1e-13);
            // a wrong rotation is detected
            double[] other = Rotations.random(rng);
            assertThat(Math.sqrt(SymmetryCheck.residual2(layout, other, before, after) / norm2)).isGreaterThan(1e-3);
        }
    }

    /** An axial vector is caught by an improper rotation in a σ = +1 block and passes in a σ = −1 block. */
    @Test
    void parityOfAxialVectors() {
        SplittableRandom rng = new SplittableRandom(11);
        TargetLayout polar = TargetLayout.cartesian("v", 1, false, null);
        TargetLayout axial = TargetLayout.spherical("a", List.of(new int[] {1, -1}));
        Decomposition d1 = CartesianTensors.general(1);
        for (int trial = 0; trial < 6; trial++) {
            double[] u = {rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextDouble(-1, 1)};
            double[] v = {rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextDouble(-1, 1)};
            double[] q = Rotations.random(rng);
            boolean improper = trial % 2 == 1;
            if (improper) q = Rotations.improper(q);
            double[] a = cross(u, v);
            double[] aq = cross(Rotations.apply(q, u), Rotations.apply(q, v));
            double[] before = d1.toSpherical(a);
            double[] after = d1.toSpherical(aq);
            double n = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
            double asAxial = Math.sqrt(SymmetryCheck.residual2(axial, q, before, after)) / n;
            double asPolar = Math.sqrt(SymmetryCheck.residual2(polar, q, before, after)) / n;
            assertThat(asAxial).isLessThan(1e-14);
            if (improper) {
                assertThat(asPolar).isCloseTo(2.0, within(1e-12)); // pred(QA) = −D(Q) pred(A)
            } else {
                assertThat(asPolar).isLessThan(1e-14);
            }
        }
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    /** Positions and lattice vectors are rotated; pbc, numbers, info and arrays are kept; distances are unchanged. */
    @Test
    void rotateMovesPositionsAndCell() {
        SplittableRandom rng = new SplittableRandom(5);
        double[] cell = {5.0, 0.1, 0.0, 0.7, 4.5, 0.2, -0.3, 0.4, 6.0};
        double[] pos = {0.1, 0.2, 0.3, 1.5, 0.2, -0.4, 2.0, 3.0, 1.0};
        Structure s = new Structure(new int[] {8, 1, 1}, pos, new Cell(cell, new boolean[] {true, false, true}),
            Map.of("e", Value.scalar(1.5)), Map.of("f", Value.ofReals(3, 1, new double[] {1, 2, 3})));
        double[] q = Rotations.improper(Rotations.random(rng));
        Structure r = SymmetryCheck.rotate(s, q);
        assertThat(r.positions()).containsExactly(Rotations.apply(q, pos));
        assertThat(r.cell().vectors()).containsExactly(Rotations.apply(q, cell));
        assertThat(r.cell().pbc()).containsExactly(true, false, true);
        assertThat(r.numbers()).containsExactly(8, 1, 1);
        assertThat(r.info()).isEqualTo(s.info());
        assertThat(r.arrays()).isEqualTo(s.arrays());
        assertThat(Math.abs(r.cell().volume())).isCloseTo(Math.abs(s.cell().volume()), within(1e-12));
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(dist(r, i, j)).isCloseTo(dist(s, i, j), within(1e-13));
            }
        }
        Structure molecule = new Structure(new int[] {8, 1, 1}, pos);
        assertThat(SymmetryCheck.rotate(molecule, q).hasCell()).isFalse();
    }

    /**
     * A per-atom invariant q_i = Σ_j exp(−r_ij²) of random molecules; the 7-atom molecule's prediction is scaled
     * to ~0 (1e-12, as an elemental crystal's Born charges) and gets a non-invariant error of {@code tinyError}
     * (absolute, per atom); the others get a relative error of {@code error}. The errors depend on the rotated
     * positions, so they differ between a structure and its rotations.
     */
    static Predictor invariantModel(double tinyError, double error) {
        TargetLayout layout = TargetLayout.spherical("q", List.of(new int[] {0, 1}));
        Map<String, TargetLayout> layouts = Map.of("q", layout);
        return new Predictor() {
            @Override
            public org.tensorbasis.options.Options options() { return null; }

            @Override
            public Map<String, TargetLayout> layouts() { return layouts; }

            @Override
            public Predictions predict(List<Structure> structures, int threads) {
                Predictions p = new Predictions(layouts, Map.of("q", true), structures, null);
                for (int k = 0; k < structures.size(); k++) {
                    Structure s = structures.get(k);
                    p.mapSpherical("q", k, v -> {
                        for (int i = 0; i < s.size(); i++) {
                            double q = 0;
                            for (int j = 0; j < s.size(); j++) if (j != i) q += Math.exp(-Math.pow(dist(s, i, j), 2));
                            double wobble = Math.sin(1e3 * s.position(i, 0)); // not invariant
                            v[i] = s.size() == 7 ? 1e-12 * q + tinyError * wobble : q * (1 + error * wobble);
                        }
                    });
                }
                return p;
            }
        };
    }

    static SymmetryCheck.Result check(Predictor model) {
        SplittableRandom rng = new SplittableRandom(3);
        List<Structure> mols = new java.util.ArrayList<>();
        for (int m = 0; m < 6; m++) mols.add(org.tensorbasis.RandomMolecules.of(rng, 5, 2.5, 0.9, new int[] {8, 6, 1, 1, 1}));
        mols.add(org.tensorbasis.RandomMolecules.of(rng, 7, 2.5, 0.9, new int[] {14, 14, 14, 14, 14, 14, 14}));
        return SymmetryCheck.run(model, mols, model.predict(mols, 1), 2, 7, 1).get(0);
    }

    /**
     * A prediction that is ~0 by symmetry is a cancellation of terms of the target's size: its round-off is
     * measured against the target's typical size, not its own norm (before, 1e-16 of round-off on a Si₄
     * crystal's zero Born charges read as a 1e-8 failure); a real error there, or anywhere, still fails.
     */
    @Test
    void roundOffOfAPredictionThatIsZeroBySymmetryPassesARealErrorFails() {
        SymmetryCheck.Result roundOff = check(invariantModel(3e-16, 0));
        assertThat(roundOff.passed()).as("round-off %s", roundOff).isTrue();
        assertThat(roundOff.max()).isLessThan(1e-13).isGreaterThan(0);
        SymmetryCheck.Result tiny = check(invariantModel(1e-9, 0)); // 1e-9 of the typical q, on the ~0 prediction
        assertThat(tiny.passed()).isFalse();
        assertThat(tiny.worstStructure()).isEqualTo(6);
        assertThat(tiny.max()).isGreaterThan(1e-10);
        SymmetryCheck.Result relative = check(invariantModel(0, 1e-9)); // 1e-9 relative, on ordinary predictions
        assertThat(relative.passed()).isFalse();
        assertThat(relative.max()).isGreaterThan(1e-10);
        assertThat(check(invariantModel(0, 0)).max()).isLessThan(1e-14);
    }

    static double dist(Structure s, int i, int j) {
        double d = 0;
        for (int k = 0; k < 3; k++) d += Math.pow(s.position(i, k) - s.position(j, k), 2);
        return Math.sqrt(d);
    }
}
