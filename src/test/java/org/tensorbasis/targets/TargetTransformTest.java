package org.tensorbasis.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tensorbasis.BadInputException;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.equivariant.SymmetricMatrices;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;

/** Forward (log, then × n_atoms) and inverse (÷ n_atoms, then exp) of {@link TargetTransform}: round trips and equivariance. */
class TargetTransformTest {
    static Options.Target target(boolean perAtom, Options.Transform transform, boolean intensive) {
        return new Options.Target("eps", "eps", perAtom, Options.TargetType.CARTESIAN, 2, Options.Symmetry.SYMMETRIC, List.of(), "",
            transform, intensive);
    }

    static final Sample WHERE = new Sample(new Structure(new int[] {1}, new double[3]), "x.xyz", 3);

    static double[] spd(SplittableRandom rng) {
        double[] e = {1.8 + 3 * rng.nextDouble(), 5 + 50 * rng.nextDouble(), 100 + 460 * rng.nextDouble()};
        double[] q = Rotations.random(rng);
        double[] d = {e[0], 0, 0, 0, e[1], 0, 0, 0, e[2]};
        return Rotations.multiply(Rotations.multiply(q, d), Rotations.transpose(q));
    }

    /** Forward, to the spherical layout (as {@link ModelBlock#values}), then the inverse (as a model's predictions). */
    static double[] roundTrip(TargetTransform tr, TargetLayout l, double[] values, int atoms) {
        double[] learned = tr.forward(values, l.width(), atoms, WHERE);
        int rows = values.length / l.width();
        double[] sph = new double[rows * l.sphericalSize()];
        for (int r = 0; r < rows; r++) System.arraycopy(l.toSpherical(learned, r * l.width()), 0, sph, r * l.sphericalSize(), l.sphericalSize());
        tr.inverseSpherical(l, sph, atoms);
        double[] out = new double[values.length];
        double[] row = new double[l.sphericalSize()];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(sph, r * l.sphericalSize(), row, 0, row.length);
            System.arraycopy(l.toCartesian(row), 0, out, r * l.width(), l.width());
        }
        return out;
    }

    static double relDiff(double[] a, double[] b) {
        double d = 0, n = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (a[i] - b[i]);
            n += b[i] * b[i];
        }
        return Math.sqrt(d / n);
    }

    @Test
    void identityLeavesTheValuesAlone() {
        TargetTransform tr = TargetTransform.of(target(false, Options.Transform.NONE, false));
        assertThat(tr.isIdentity()).isTrue();
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertThat(tr.forward(v, 9, 5, WHERE)).isSameAs(v);
    }

    @Test
    void intensiveScalesByTheAtomCountAndBack() {
        TargetTransform tr = TargetTransform.of(target(false, Options.Transform.NONE, true));
        TargetLayout general = TargetLayout.cartesian("eps", 2, false, null);
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        double[] learned = tr.forward(v, 9, 7, WHERE);
        for (int k = 0; k < 9; k++) assertThat(learned[k]).isEqualTo(7 * v[k]);
        assertThat(relDiff(roundTrip(tr, general, v, 7), v)).isLessThan(1e-15);
        // a vector (rank 1) too: the scaling is linear, any layout
        TargetLayout vec = TargetLayout.cartesian("mu", 1, false, null);
        double[] mu = {0.3, -1.2, 2.5};
        assertThat(relDiff(roundTrip(tr, vec, mu, 13), mu)).isLessThan(1e-15);
    }

    @Test
    void logThenIntensiveRoundTripsToRoundOff() {
        SplittableRandom rng = new SplittableRandom(3);
        TargetLayout sym = TargetLayout.cartesian("eps", 2, true, null);
        for (boolean intensive : new boolean[] {false, true}) {
            TargetTransform tr = TargetTransform.of(target(false, Options.Transform.LOG, intensive));
            for (int i = 0; i < 50; i++) {
                double[] e = spd(rng);
                int atoms = 2 + rng.nextInt(39);
                double[] learned = tr.forward(e, 9, atoms, WHERE);
                double[] log = SymmetricMatrices.log(e);
                for (int k = 0; k < 9; k++) learned[k] /= intensive ? atoms : 1;
                assertThat(relDiff(learned, log)).as("log first, then the scaling").isLessThan(1e-14);
                assertThat(relDiff(roundTrip(tr, sym, e, atoms), e)).isLessThan(1e-12);
            }
        }
    }

    @Test
    void perAtomLogTransformsEveryAtom() {
        SplittableRandom rng = new SplittableRandom(4);
        TargetLayout sym = TargetLayout.cartesian("a", 2, true, null);
        TargetTransform tr = TargetTransform.of(target(true, Options.Transform.LOG, false));
        double[] v = new double[27];
        for (int a = 0; a < 3; a++) System.arraycopy(spd(rng), 0, v, 9 * a, 9);
        double[] learned = tr.forward(v, 9, 3, WHERE);
        for (int a = 0; a < 3; a++) {
            double[] one = java.util.Arrays.copyOfRange(v, 9 * a, 9 * a + 9);
            assertThat(relDiff(java.util.Arrays.copyOfRange(learned, 9 * a, 9 * a + 9), SymmetricMatrices.log(one))).isLessThan(1e-14);
        }
        assertThat(relDiff(roundTrip(tr, sym, v, 3), v)).isLessThan(1e-12);
        double[] bad = v.clone();
        bad[9 + 4] = -100;
        assertThatThrownBy(() -> tr.forward(bad, 9, 3, WHERE)).isInstanceOf(BadInputException.class)
            .hasMessageContaining("x.xyz").hasMessageContaining("frame 3").hasMessageContaining("field 'eps'").hasMessageContaining("atom 1");
    }

    @Test
    void theLearnedValuesRotateAsTheTarget() {
        // log(Q ε Qᵀ) = Q log(ε) Qᵀ: the λ = 0 block is invariant, the λ = 2 block rotates with D²(Q), proper or improper
        SplittableRandom rng = new SplittableRandom(8);
        TargetLayout sym = TargetLayout.cartesian("eps", 2, true, null);
        TargetTransform tr = TargetTransform.of(target(false, Options.Transform.LOG, true));
        for (int i = 0; i < 20; i++) {
            double[] e = spd(rng);
            double[] r = Rotations.random(rng);
            double[] q = i % 2 == 0 ? r : Rotations.improper(r);
            double[] rotated = Rotations.multiply(Rotations.multiply(q, e), Rotations.transpose(q));
            double[] a = sym.toSpherical(tr.forward(e, 9, 4, WHERE), 0);
            double[] b = sym.toSpherical(tr.forward(rotated, 9, 4, WHERE), 0);
            double[] d2 = Rotations.wigner(2, 1, q);
            assertThat(Math.abs(b[0] - a[0]) / Math.abs(a[0])).isLessThan(1e-12);
            double[] want = new double[5];
            for (int mu = 0; mu < 5; mu++) for (int nu = 0; nu < 5; nu++) want[mu] += d2[5 * mu + nu] * a[1 + nu];
            assertThat(relDiff(java.util.Arrays.copyOfRange(b, 1, 6), want)).isLessThan(1e-12);
        }
    }

    @Test
    void theBaselineOfAnIntensiveTargetIsFittedOnTheCompositionFractions() {
        // λ = 0 of an intensive target: learned values n·y; the baseline is the least-squares fit of y on the fractions
        // n_s / n (each structure counted once), not of n·y on the counts (large cells counted n² times)
        int[][] comp = {{1, 1}, {3, 1}, {1, 5}, {10, 2}, {2, 0}, {0, 3}}; // atoms of species 1 and 8 per structure
        double[] y = {2.0, 3.5, 1.2, 9.0, 4.0, 1.5};
        List<Sample> train = new java.util.ArrayList<>();
        double[][][] values = new double[1][comp.length][];
        double[][] fr = new double[comp.length][2];
        for (int k = 0; k < comp.length; k++) {
            int n = comp[k][0] + comp[k][1];
            int[] z = new int[n];
            for (int i = 0; i < n; i++) z[i] = i < comp[k][0] ? 1 : 8;
            train.add(new Sample(new Structure(z, new double[3 * n]), "t.xyz", k));
            values[0][k] = new double[] {n * y[k]};
            fr[k][0] = comp[k][0] / (double) n;
            fr[k][1] = comp[k][1] / (double) n;
        }
        // the 2×2 normal equations of y ≈ c_1 f_1 + c_8 f_8
        double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
        for (int k = 0; k < comp.length; k++) {
            a11 += fr[k][0] * fr[k][0];
            a12 += fr[k][0] * fr[k][1];
            a22 += fr[k][1] * fr[k][1];
            b1 += fr[k][0] * y[k];
            b2 += fr[k][1] * y[k];
        }
        double det = a11 * a22 - a12 * a12;
        double c1 = (a22 * b1 - a12 * b2) / det, c8 = (a11 * b2 - a12 * b1) / det;
        List<ModelBlock> blocks = List.of(new ModelBlock(0, "eps", 0, new TargetLayout.Block("eps:L0+", 0, 1, 1, new int[] {0}), false));
        Normalization mean = Normalization.fit(blocks, new int[] {1, 8}, train, values, true, true, java.util.Set.of("eps"), Normalization.SCALE_PRIOR_ATOMS)[0];
        assertThat(mean.baseline(0, 0)).isCloseTo(c1, org.assertj.core.api.Assertions.within(1e-8));
        assertThat(mean.baseline(1, 0)).isCloseTo(c8, org.assertj.core.api.Assertions.within(1e-8));
        Normalization sum = Normalization.fit(blocks, new int[] {1, 8}, train, values, true, true)[0];
        assertThat(Math.abs(sum.baseline(0, 0) - c1)).as("the sum's fit weighs large cells more").isGreaterThan(1e-3);
    }
}
