package org.tensorbasis.neighbors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.neighbors.NeighborListTest.Case;
import org.tensorbasis.structure.Cell;

/**
 * Slabs (pbc T T F) and wires (T F F) whose non-periodic lattice vectors are zero or degenerate, as
 * ASE writes them: the cell list must equal the brute-force enumeration of images, and must not
 * depend on the non-periodic vectors.
 */
class SlabNeighborListTest {
    private static final double TOL = 1e-12;

    /** Rotates the rows of a (3 vectors) by the rotation matrix rot. */
    static double[] rotate(double[] rot, double[] a) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length / 3; i++) {
            for (int k = 0; k < 3; k++) {
                out[3 * i + k] = rot[3 * k] * a[3 * i] + rot[3 * k + 1] * a[3 * i + 1] + rot[3 * k + 2] * a[3 * i + 2];
            }
        }
        return out;
    }

    /**
     * A random slab in the rotated xy plane: skewed in-plane vectors (γ in 20°..160°, edges 1..8 Å,
     * so often smaller than the cutoff), atoms at in-plane fractional coordinates in [-1, 2) and up
     * to ±10 Å out of the plane. The third vector is zero, or parallel to a1, or in the plane.
     */
    static Case slab(int seed) {
        SplittableRandom r = new SplittableRandom(0x51ab_0000L + seed);
        double la = r.nextDouble(1, 8), lb = r.nextDouble(1, 8), g = Math.toRadians(r.nextDouble(20, 160));
        double[] flat = {la, 0, 0, lb * Math.cos(g), lb * Math.sin(g), 0, 0, 0, 0};
        String third;
        switch (seed % 3) {
            case 0: third = "a3=0"; break;
            case 1: third = "a3||a1"; for (int k = 0; k < 3; k++) flat[6 + k] = -2.5 * flat[k]; break;
            default: third = "a3 in plane"; for (int k = 0; k < 3; k++) flat[6 + k] = 0.7 * flat[k] + 1.3 * flat[3 + k];
        }
        int n = r.nextInt(1, 25);
        double[] local = new double[3 * n];
        for (int i = 0; i < n; i++) {
            double f0 = r.nextDouble(-1, 2), f1 = r.nextDouble(-1, 2);
            local[3 * i] = f0 * flat[0] + f1 * flat[3];
            local[3 * i + 1] = f0 * flat[1] + f1 * flat[4];
            local[3 * i + 2] = r.nextDouble(-10, 10);
        }
        double[] rot = NeighborListTest.randomRotation(r);
        double cutoff = r.nextDouble(1, 6);
        return new Case("slab " + third + " n=" + n + " seed=" + seed, rotate(rot, local),
            new Cell(rotate(rot, flat), new boolean[] {true, true, false}), cutoff);
    }

    /**
     * A random wire along a rotated x axis (period 1..6 Å), atoms spread ±10 Å across it and over
     * [-1, 2) periods along it; a2, a3 zero, parallel to a1, or one of them generic.
     */
    static Case wire(int seed) {
        SplittableRandom r = new SplittableRandom(0x317e_0000L + seed);
        double[] local = {r.nextDouble(1, 6), 0, 0, 0, 0, 0, 0, 0, 0};
        String rest;
        switch (seed % 3) {
            case 0: rest = "a2=a3=0"; break;
            case 1: rest = "a2||a3||a1"; local[3] = 2 * local[0]; local[6] = -local[0]; break;
            default: rest = "a2 generic, a3=0"; local[3] = r.nextDouble(-3, 3); local[4] = r.nextDouble(2, 8); local[5] = r.nextDouble(-3, 3);
        }
        int n = r.nextInt(1, 25);
        double[] p = new double[3 * n];
        for (int i = 0; i < n; i++) {
            p[3 * i] = r.nextDouble(-1, 2) * local[0];
            p[3 * i + 1] = r.nextDouble(-10, 10);
            p[3 * i + 2] = r.nextDouble(-10, 10);
        }
        double[] rot = NeighborListTest.randomRotation(r);
        return new Case("wire " + rest + " n=" + n + " seed=" + seed, rotate(rot, p),
            new Cell(rotate(rot, local), new boolean[] {true, false, false}), r.nextDouble(1, 7));
    }

    static Stream<Case> cases() {
        return Stream.concat(IntStream.range(0, 90).mapToObj(SlabNeighborListTest::slab),
            IntStream.range(0, 60).mapToObj(SlabNeighborListTest::wire));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesBruteForce(Case c) {
        NeighborList nl = NeighborList.build(c.pos(), c.cell(), c.cutoff());
        NeighborListTest.assertMatchesBruteForce(c, nl);
        NeighborListTest.assertSymmetric(nl);
        for (int ax = 0; ax < 3; ax++) {
            if (c.cell().isPeriodic(ax)) continue;
            for (int p = 0; p < nl.pairs(); p++) assertThat(nl.shifts()[3 * p + ax]).isZero();
        }
    }

    /** Larger slabs (many bins per axis, so the bin pruning matters), cells smaller than the cutoff. */
    @ParameterizedTest(name = "seed={0}")
    @MethodSource("seeds")
    void largeSlabMatchesBruteForce(int seed) {
        SplittableRandom r = new SplittableRandom(0xb16_0000L + seed);
        double la = r.nextDouble(6, 14), lb = r.nextDouble(6, 14), g = Math.toRadians(r.nextDouble(30, 150));
        double[] flat = {la, 0, 0, lb * Math.cos(g), lb * Math.sin(g), 0, 0, 0, 0};
        int n = r.nextInt(150, 300);
        double[] local = new double[3 * n];
        for (int i = 0; i < n; i++) {
            double f0 = r.nextDouble(-0.5, 1.5), f1 = r.nextDouble(-0.5, 1.5);
            local[3 * i] = f0 * flat[0] + f1 * flat[3];
            local[3 * i + 1] = f0 * flat[1] + f1 * flat[4];
            local[3 * i + 2] = r.nextDouble(-10, 10);
        }
        double[] rot = NeighborListTest.randomRotation(r);
        Case c = new Case("large slab", rotate(rot, local), new Cell(rotate(rot, flat), new boolean[] {true, true, false}),
            r.nextDouble(3, 6));
        NeighborListTest.assertMatchesBruteForce(c, NeighborList.build(c.pos(), c.cell(), c.cutoff()));
    }

    static Stream<Integer> seeds() { return IntStream.range(0, 4).boxed(); }

    /**
     * The same slab with a3 = 0 and with a 100 Å vacuum vector (normal, tilted, or nearly in the
     * periodic plane, which would squeeze the plane spacings of a naive frame) gives the same pairs,
     * shifts and vectors: the non-periodic vector never enters the physics.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nonPeriodicVectorsDoNotMatter(Case c) {
        double[] a = c.cell().vectors();
        boolean[] pbc = c.cell().pbc();
        double[] f = c.cell().completedVectors(); // replaced vectors are unit normals: scale them to 100 Å
        double[] vac = a.clone();
        double[] tilted = a.clone();
        double[] grazing = a.clone();
        for (int i = 0; i < 3; i++) {
            if (pbc[i]) continue;
            for (int k = 0; k < 3; k++) {
                vac[3 * i + k] = 100 * f[3 * i + k];
                tilted[3 * i + k] = 100 * f[3 * i + k] + 0.3 * a[k] - 0.2 * a[3 + k]; // a1 is periodic here
                grazing[3 * i + k] = 10 * a[k] + 1e-3 * f[3 * i + k];
            }
        }
        NeighborList ref = NeighborList.build(c.pos(), c.cell(), c.cutoff());
        for (double[] other : new double[][] {vac, tilted, grazing}) {
            NeighborList nl = NeighborList.build(c.pos(), new Cell(other, pbc), c.cutoff());
            assertThat(nl.offsets()).containsExactly(ref.offsets());
            assertThat(nl.neighbors()).containsExactly(ref.neighbors());
            assertThat(nl.shifts()).containsExactly(ref.shifts());
            for (int k = 0; k < ref.vectors().length; k++) {
                assertThat(Math.abs(nl.vectors()[k] - ref.vectors()[k])).isLessThanOrEqualTo(TOL);
            }
        }
    }

    /** ASE's graphene (vacuum=None) with a second layer 3.35 Å above: interlayer pairs, no image along z. */
    @Test
    void grapheneBilayer() {
        Cell cell = new Cell(new double[] {2.46, 0, 0, -1.23, 2.1304224933097191, 0, 0, 0, 0},
            new boolean[] {true, true, false});
        double y = 1.4202816622064794;
        double[] pos = {0, 0, 0, 0, y, 0, 0, 0, 3.35, 0, y, 3.35};
        NeighborList nl = NeighborList.build(pos, cell, 1.5);
        // each atom has its 3 in-plane C-C neighbours at 1.42 Å, none across the layers
        for (int i = 0; i < 4; i++) assertThat(nl.offsets()[i + 1] - nl.offsets()[i]).isEqualTo(3);
        for (int p = 0; p < nl.pairs(); p++) assertThat(nl.distances()[p]).isCloseTo(y, org.assertj.core.api.Assertions.within(1e-6));
        NeighborList wide = NeighborList.build(pos, cell, 3.4);
        assertThat(NeighborListTest.find(wide, 0, 2, 0, 0, 0)).isGreaterThanOrEqualTo(0);
        NeighborListTest.assertMatchesBruteForce(new Case("bilayer", pos, cell, 3.4), wide);
    }
}
