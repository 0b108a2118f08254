package org.tensorbasis.structure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which cells are accepted (only the periodic vectors must be independent) and their completed lattice. */
class CellTest {
    private static final boolean T = true, F = false;

    private static boolean[] pbc(boolean a, boolean b, boolean c) { return new boolean[] {a, b, c}; }

    private static String rejection(double[] v, boolean[] p) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> new Cell(v, p));
        assertThat(t).as("expected a rejection").isInstanceOf(IllegalArgumentException.class);
        return t.getMessage();
    }

    @Test
    void rejectsDegeneratePeriodicVectorsNamingTheAxes() {
        // full pbc, zero third vector
        assertThat(rejection(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 0}, pbc(T, T, T)))
            .contains("a3", "zero", "axis 3", "T T T");
        // slab with parallel in-plane vectors
        assertThat(rejection(new double[] {1, 0, 0, 2, 0, 0, 0, 0, 0}, pbc(T, T, F)))
            .contains("a1", "a2", "parallel", "T T F");
        // periodic axes 2 and 3 parallel, axis 1 non-periodic
        assertThat(rejection(new double[] {1, 0, 0, 0, 1, 1, 0, -2, -2}, pbc(F, T, T)))
            .contains("a2 and a3", "parallel", "F T T");
        // wire with a zero periodic vector
        assertThat(rejection(new double[] {0, 0, 0, 0, 1, 0, 0, 0, 1}, pbc(T, F, F)))
            .contains("a1", "zero", "axis 1");
        // three non-zero coplanar vectors
        assertThat(rejection(new double[] {1, 0, 0, 0, 1, 0, 1, 1, 0}, pbc(T, T, T)))
            .contains("a1, a2, a3", "coplanar", "zero volume");
        // nearly parallel (sine 1e-10) is degenerate too
        assertThat(rejection(new double[] {1, 0, 0, 1, 1e-10, 0, 0, 0, 5}, pbc(T, T, T))).contains("coplanar");
    }

    @Test
    void acceptsDegenerateNonPeriodicVectors() {
        double[][] v = {
            {2.46, 0, 0, -1.23, 2.13, 0, 0, 0, 0},   // graphene, vacuum=None
            {2.46, 0, 0, -1.23, 2.13, 0, 1, 0, 0},   // a3 ∥ a1
            {2.46, 0, 0, -1.23, 2.13, 0, 3, 4, 0},   // a3 in the periodic plane
            {3, 0, 0, 0, 0, 0, 0, 0, 0},             // wire
            {3, 1, 0, 6, 2, 0, -3, -1, 0},           // wire, a2 and a3 ∥ a1
        };
        boolean[][] p = {pbc(T, T, F), pbc(T, T, F), pbc(T, T, F), pbc(T, F, F), pbc(T, F, F)};
        for (int c = 0; c < v.length; c++) {
            Cell cell = new Cell(v[c], p[c]);
            assertThat(cell.vectors()).as("vectors as given").containsExactly(v[c]);
            assertThat(cell.isCompleted()).isTrue();
            assertThat(cell.volume()).isCloseTo(0.0, within(1e-12));
        }
        // no periodic axis: anything goes, including all-zero vectors
        assertThat(new Cell(new double[9], pbc(F, F, F)).completedVectors()).containsExactly(1, 0, 0, 0, 1, 0, 0, 0, 1);
        // a slab whose third vector is already the unit normal is not completed
        assertThat(new Cell(new double[] {2, 0, 0, 1, 3, 0, 0, 0, 1}, pbc(T, T, F)).isCompleted()).isFalse();
        // an ordinary cell is not completed
        Cell cubic = Cell.periodic(new double[] {4, 0, 0, 0, 4, 0, 0, 0, 4});
        assertThat(cubic.isCompleted()).isFalse();
        assertThat(cubic.completedVectors()).containsExactly(cubic.vectors());
    }

    @Test
    void grapheneSlabGeometry() {
        Cell c = new Cell(new double[] {2.46, 0, 0, -1.23, 2.13, 0, 0, 0, 0}, pbc(T, T, F));
        assertThat(plusZero(c.completedVectors())).containsExactly(2.46, 0, 0, -1.23, 2.13, 0, 0, 0, 1);
        double area = 2.46 * 2.13;
        assertThat(c.periodicMeasure()).isCloseTo(area, within(1e-12));
        double[] d = c.planeSpacings();
        // in-plane distances between lattice lines: area / |other vector|
        assertThat(d[0]).isCloseTo(area / Math.hypot(1.23, 2.13), within(1e-12));
        assertThat(d[1]).isCloseTo(area / 2.46, within(1e-12));
        assertThat(d[2]).isCloseTo(1.0, within(1e-12));
        double[] s = c.fractional(new double[] {-1.23 * 0.5 + 2.46 * 0.25, 2.13 * 0.5, 7.0});
        assertThat(s[0]).isCloseTo(0.25, within(1e-12));
        assertThat(s[1]).isCloseTo(0.5, within(1e-12));
        assertThat(s[2]).isCloseTo(7.0, within(1e-12));
    }

    static Stream<Long> seeds() { return IntStream.range(0, 60).mapToObj(i -> 900L + i); }

    private static double[] randomVector(SplittableRandom r, double scale) {
        return new double[] {scale * r.nextDouble(-1, 1), scale * r.nextDouble(-1, 1), scale * r.nextDouble(-1, 1)};
    }

    /**
     * Random cells with 1 or 2 periodic axes (any positions) whose non-periodic vectors are zero,
     * parallel to a periodic one, in the periodic span, or generic: the completed lattice keeps the
     * periodic vectors exactly, replaces every non-periodic vector by a unit vector orthogonal to
     * all other completed vectors, is right-handed, depends on the periodic vectors only, and the
     * reciprocal is dual to it.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void completedLatticeIsAValidFrame(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean[] p = new boolean[3];
        int np = r.nextInt(1, 3);
        int first = r.nextInt(3);
        for (int t = 0; t < np; t++) p[(first + t) % 3] = true;
        double[] v = new double[9];
        int[] per = new int[np];
        int q = 0;
        for (int i = 0; i < 3; i++) if (p[i]) { per[q++] = i; System.arraycopy(randomVector(r, 5), 0, v, 3 * i, 3); }
        double[] zeroed = v.clone(); // same periodic vectors, zero non-periodic ones
        for (int i = 0; i < 3; i++) {
            if (p[i]) continue;
            double[] w;
            switch (r.nextInt(4)) {
                case 0: w = new double[3]; break;
                case 1: { double f = r.nextDouble(-3, 3); int a = per[r.nextInt(np)];
                          w = new double[] {f * v[3 * a], f * v[3 * a + 1], f * v[3 * a + 2]}; break; }
                case 2: { // a combination of the periodic vectors
                          w = new double[3];
                          for (int a : per) { double f = r.nextDouble(-2, 2); for (int k = 0; k < 3; k++) w[k] += f * v[3 * a + k]; }
                          break; }
                default: w = randomVector(r, 20);
            }
            System.arraycopy(w, 0, v, 3 * i, 3);
        }
        Cell c = new Cell(v, p);
        double[] f = c.completedVectors();
        assertThat(c.vectors()).containsExactly(v);
        assertThat(f).as("depends on the periodic vectors only").containsExactly(new Cell(zeroed, p).completedVectors());
        for (int i : per) for (int k = 0; k < 3; k++) assertThat(f[3 * i + k]).isEqualTo(v[3 * i + k]);
        double det = f[0] * (f[4] * f[8] - f[5] * f[7]) - f[1] * (f[3] * f[8] - f[5] * f[6]) + f[2] * (f[3] * f[7] - f[4] * f[6]);
        assertThat(det).as("completed volume, right-handed").isGreaterThan(1e-6);
        for (int i = 0; i < 3; i++) {
            if (p[i]) continue;
            assertThat(Math.sqrt(dot(f, i, f, i))).isCloseTo(1.0, within(1e-12));
            for (int j = 0; j < 3; j++) if (j != i) assertThat(dot(f, i, f, j)).isCloseTo(0.0, within(1e-12 * Math.sqrt(dot(f, j, f, j))));
        }
        double[] b = c.reciprocal();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(dot(f, i, b, j)).as("a%d · b%d", i + 1, j + 1).isCloseTo(i == j ? 1.0 : 0.0, within(1e-12));
            }
        }
        // along a periodic axis, b_i is orthogonal to the other periodic vectors whatever the non-periodic ones
        for (int i : per) for (int j : per) if (i != j) assertThat(dot(v, j, b, i)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void cellWithoutPeriodicAxisKeepsIndependentVectors() {
        double[] v = {3, 0, 0, 1, 4, 0, 1, 1, 5};
        Cell c = new Cell(v, pbc(F, F, F));
        assertThat(c.isCompleted()).isFalse();
        assertThat(c.completedVectors()).containsExactly(v);
        // a1 ∥ a3, a2 = 0: a1 kept, the two others completed orthonormally
        Cell d = new Cell(new double[] {0, 2, 0, 0, 0, 0, 0, -1, 0}, pbc(F, F, F));
        assertThat(plusZero(d.completedVectors())).containsExactly(0, 2, 0, 1, 0, 0, 0, 0, -1);
    }

    /** x + 0.0 turns −0.0 into 0.0 (exact comparisons below). */
    private static double[] plusZero(double[] x) {
        double[] y = x.clone();
        for (int k = 0; k < y.length; k++) y[k] += 0.0;
        return y;
    }

    private static double dot(double[] u, int i, double[] w, int j) {
        return u[3 * i] * w[3 * j] + u[3 * i + 1] * w[3 * j + 1] + u[3 * i + 2] * w[3 * j + 2];
    }

    @Test
    void equalityIsOnTheGivenVectors() {
        Cell a = new Cell(new double[] {2, 0, 0, 0, 2, 0, 0, 0, 0}, pbc(T, T, F));
        Cell b = new Cell(new double[] {2, 0, 0, 0, 2, 0, 0, 0, 1}, pbc(T, T, F));
        assertThat(a.completedVectors()).containsExactly(b.completedVectors());
        assertThat(a).isNotEqualTo(b);
        assertThatThrownBy(() -> new Cell(new double[] {0, 0, 0, 0, 2, 0, 0, 0, 1}, pbc(T, T, F)))
            .hasMessageContaining("a1");
    }
}
