package org.tensorbasis.neighbors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;

class NeighborListTest {
    private static final double TOL = 1e-12;

    /** A random test system: positions (unwrapped), optional cell, cutoff, and a label. */
    record Case(String label, double[] pos, Cell cell, double cutoff) {
        @Override
        public String toString() { return label; }
    }

    // ---- random systems -------------------------------------------------------------------

    /** Cell from edge lengths and angles (degrees), then rotated randomly; null if invalid. */
    static double[] cellVectors(SplittableRandom r, double la, double lb, double lc,
                                double alpha, double beta, double gamma) {
        double ca = Math.cos(Math.toRadians(alpha)), cb = Math.cos(Math.toRadians(beta));
        double cg = Math.cos(Math.toRadians(gamma)), sg = Math.sin(Math.toRadians(gamma));
        double cy = (ca - cb * cg) / sg;
        double cz2 = 1 - cb * cb - cy * cy;
        if (cz2 < 1e-3) return null;
        double[] v = {la, 0, 0, lb * cg, lb * sg, 0, lc * cb, lc * cy, lc * Math.sqrt(cz2)};
        double[] rot = randomRotation(r);
        double[] out = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                out[3 * i + k] = rot[3 * k] * v[3 * i] + rot[3 * k + 1] * v[3 * i + 1] + rot[3 * k + 2] * v[3 * i + 2];
            }
        }
        return out;
    }

    static double[] randomRotation(SplittableRandom r) {
        // uniform unit quaternion
        double u1 = r.nextDouble(), u2 = r.nextDouble() * 2 * Math.PI, u3 = r.nextDouble() * 2 * Math.PI;
        double w = Math.sqrt(1 - u1) * Math.sin(u2), x = Math.sqrt(1 - u1) * Math.cos(u2);
        double y = Math.sqrt(u1) * Math.sin(u3), z = Math.sqrt(u1) * Math.cos(u3);
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
            2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
            2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)};
    }

    static double[] randomCell(SplittableRandom r, double minEdge, double maxEdge, double minAngle, double maxAngle) {
        while (true) {
            double[] v = cellVectors(r, r.nextDouble(minEdge, maxEdge), r.nextDouble(minEdge, maxEdge),
                r.nextDouble(minEdge, maxEdge), r.nextDouble(minAngle, maxAngle), r.nextDouble(minAngle, maxAngle),
                r.nextDouble(minAngle, maxAngle));
            if (v != null) return v;
        }
    }

    /** Positions at random fractional coordinates in [lo, hi) of the cell (outside the cell when lo < 0 or hi > 1). */
    static double[] fractionalPositions(SplittableRandom r, int n, double[] a, double lo, double hi) {
        double[] pos = new double[3 * n];
        for (int i = 0; i < n; i++) {
            double f0 = r.nextDouble(lo, hi), f1 = r.nextDouble(lo, hi), f2 = r.nextDouble(lo, hi);
            for (int k = 0; k < 3; k++) pos[3 * i + k] = f0 * a[k] + f1 * a[3 + k] + f2 * a[6 + k];
        }
        return pos;
    }

    static boolean[] randomPbc(SplittableRandom r) {
        while (true) {
            boolean[] p = {r.nextBoolean(), r.nextBoolean(), r.nextBoolean()};
            if (p[0] || p[1] || p[2]) return p;
        }
    }

    static Case randomCase(int seed) {
        SplittableRandom r = new SplittableRandom(0x5eed_0000L + seed);
        switch (seed % 7) {
            case 0: { // molecule, no cell
                int n = r.nextInt(1, 40);
                double box = r.nextDouble(1, 15);
                double[] pos = new double[3 * n];
                for (int k = 0; k < pos.length; k++) pos[k] = r.nextDouble(-box, box) + 100;
                return new Case("molecule n=" + n + " seed=" + seed, pos, null, r.nextDouble(0.5, 6));
            }
            case 1: { // general triclinic, full pbc, atoms well outside the cell
                double[] a = randomCell(r, 3, 12, 50, 130);
                int n = r.nextInt(1, 30);
                return new Case("triclinic n=" + n + " seed=" + seed, fractionalPositions(r, n, a, -2, 3),
                    Cell.periodic(a), r.nextDouble(0.5, 7));
            }
            case 2: { // very small cell: dozens of own images
                double[] a = randomCell(r, 1, 2, 60, 120);
                int n = r.nextInt(1, 4);
                return new Case("tiny n=" + n + " seed=" + seed, fractionalPositions(r, n, a, -1, 2),
                    Cell.periodic(a), 5.0);
            }
            case 3: { // very skewed cell (angles near 20° or 160°)
                double[] a = null;
                while (a == null) {
                    double g = r.nextBoolean() ? r.nextDouble(18, 25) : r.nextDouble(155, 162);
                    a = cellVectors(r, r.nextDouble(3, 9), r.nextDouble(3, 9), r.nextDouble(3, 9),
                        r.nextDouble(60, 120), r.nextDouble(20, 40), g);
                }
                int n = r.nextInt(1, 20);
                return new Case("skewed n=" + n + " seed=" + seed, fractionalPositions(r, n, a, -0.5, 1.5),
                    Cell.periodic(a), r.nextDouble(1, 6));
            }
            case 4: { // mixed periodicity, triclinic
                double[] a = randomCell(r, 2, 10, 40, 140);
                boolean[] pbc = randomPbc(r);
                int n = r.nextInt(1, 25);
                return new Case("mixed pbc=" + pbc[0] + pbc[1] + pbc[2] + " n=" + n + " seed=" + seed,
                    fractionalPositions(r, n, a, -1, 2), new Cell(a, pbc), r.nextDouble(0.5, 6));
            }
            case 5: { // single atom, small-to-medium cell, possibly mixed pbc
                double[] a = randomCell(r, 1, 6, 30, 150);
                boolean[] pbc = r.nextBoolean() ? new boolean[] {true, true, true} : randomPbc(r);
                return new Case("single pbc=" + pbc[0] + pbc[1] + pbc[2] + " seed=" + seed,
                    fractionalPositions(r, 1, a, -3, 4), new Cell(a, pbc), r.nextDouble(1, 6));
            }
            default: { // small skewed cell, mixed pbc, cutoff larger than the cell
                double[] a = randomCell(r, 1.5, 4, 20, 160);
                boolean[] pbc = randomPbc(r);
                int n = r.nextInt(1, 6);
                return new Case("small-mixed pbc=" + pbc[0] + pbc[1] + pbc[2] + " n=" + n + " seed=" + seed,
                    fractionalPositions(r, n, a, -1, 2), new Cell(a, pbc), r.nextDouble(2, 5));
            }
        }
    }

    static Stream<Case> cases() {
        return IntStream.range(0, 350).mapToObj(NeighborListTest::randomCase);
    }

    // ---- checks ---------------------------------------------------------------------------

    /** Same pairs, same order (centre, then j, then S) and vectors within TOL of r_j + S·cell − r_i. */
    static void assertMatchesBruteForce(Case c, NeighborList nl) {
        List<BruteForce.Pair> ref = BruteForce.pairs(c.pos(), c.cell(), c.cutoff());
        int n = c.pos().length / 3;
        assertThat(nl.atoms()).isEqualTo(n);
        assertThat(nl.offsets()).hasSize(n + 1);
        assertThat(nl.pairs()).as("pair count").isEqualTo(ref.size());
        assertThat(nl.neighbors()).hasSize(ref.size());
        assertThat(nl.shifts()).hasSize(3 * ref.size());
        assertThat(nl.vectors()).hasSize(3 * ref.size());
        assertThat(nl.distances()).hasSize(ref.size());
        double[] a = c.cell() == null ? new double[9] : c.cell().vectors();
        int p = 0;
        for (int i = 0; i < n; i++) {
            assertThat(nl.offsets()[i]).as("offset of %d", i).isEqualTo(p);
            while (p < ref.size() && ref.get(p).i() == i) {
                BruteForce.Pair e = ref.get(p);
                assertThat(new int[] {nl.neighbors()[p], nl.shifts()[3 * p], nl.shifts()[3 * p + 1], nl.shifts()[3 * p + 2]})
                    .as("pair %d of centre %d", p, i).containsExactly(e.j(), e.s0(), e.s1(), e.s2());
                // vector against the literal formula r_j + S·cell − r_i
                int j = e.j();
                for (int k = 0; k < 3; k++) {
                    double lit = c.pos()[3 * j + k] + (e.s0() * a[k] + e.s1() * a[3 + k] + e.s2() * a[6 + k]) - c.pos()[3 * i + k];
                    assertThat(Math.abs(nl.vectors()[3 * p + k] - lit)).as("vector %d[%d]", p, k).isLessThanOrEqualTo(TOL);
                }
                assertThat(Math.abs(nl.distances()[p] - e.dist())).isLessThanOrEqualTo(TOL);
                assertThat(nl.distances()[p]).isLessThan(c.cutoff());
                p++;
            }
        }
        assertThat(nl.offsets()[n]).isEqualTo(ref.size());
    }

    static void assertSymmetric(NeighborList nl) {
        int[] off = nl.offsets(), nb = nl.neighbors(), sh = nl.shifts();
        double[] v = nl.vectors(), dist = nl.distances();
        for (int i = 0; i < nl.atoms(); i++) {
            for (int p = off[i]; p < off[i + 1]; p++) {
                int j = nb[p];
                int q = find(nl, j, i, -sh[3 * p], -sh[3 * p + 1], -sh[3 * p + 2]);
                assertThat(q).as("partner of (%d, %d, S) missing", i, j).isGreaterThanOrEqualTo(0);
                for (int k = 0; k < 3; k++) assertThat(v[3 * q + k]).isEqualTo(-v[3 * p + k]);
                assertThat(dist[q]).isEqualTo(dist[p]);
                assertThat(j == i && sh[3 * p] == 0 && sh[3 * p + 1] == 0 && sh[3 * p + 2] == 0)
                    .as("self pair with zero shift").isFalse();
            }
        }
    }

    static int find(NeighborList nl, int i, int j, int s0, int s1, int s2) {
        for (int p = nl.offsets()[i]; p < nl.offsets()[i + 1]; p++) {
            if (nl.neighbors()[p] == j && nl.shifts()[3 * p] == s0 && nl.shifts()[3 * p + 1] == s1
                && nl.shifts()[3 * p + 2] == s2) {
                return p;
            }
        }
        return -1;
    }

    // ---- tests ----------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesBruteForceAndIsSymmetric(Case c) {
        NeighborList nl = NeighborList.build(c.pos(), c.cell(), c.cutoff());
        assertMatchesBruteForce(c, nl);
        assertSymmetric(nl);
        if (c.cell() != null) {
            for (int ax = 0; ax < 3; ax++) {
                if (c.cell().isPeriodic(ax)) continue;
                for (int p = 0; p < nl.pairs(); p++) assertThat(nl.shifts()[3 * p + ax]).isZero();
            }
        }
    }

    /** Larger systems, so that there are many bins per axis and the bin pruning matters. */
    static Stream<Case> largeCases() {
        return IntStream.range(0, 12).mapToObj(seed -> {
            SplittableRandom r = new SplittableRandom(0xb16_0000L + seed);
            int n = r.nextInt(200, 400);
            double cutoff = r.nextDouble(3.0, 4.0);
            if (seed % 3 == 0) { // molecule-like cloud
                double[] pos = new double[3 * n];
                for (int k = 0; k < pos.length; k++) pos[k] = r.nextDouble(-9, 9);
                return new Case("large cloud n=" + n + " seed=" + seed, pos, null, cutoff);
            }
            double[] a = seed % 3 == 1 ? randomCell(r, 10, 16, 60, 120) : randomCell(r, 10, 16, 25, 155);
            boolean[] pbc = seed % 2 == 0 ? new boolean[] {true, true, true} : randomPbc(r);
            return new Case("large cell pbc=" + pbc[0] + pbc[1] + pbc[2] + " n=" + n + " seed=" + seed,
                fractionalPositions(r, n, a, -0.5, 1.5), new Cell(a, pbc), cutoff);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("largeCases")
    void largeSystemsMatchBruteForce(Case c) {
        NeighborList nl = NeighborList.build(c.pos(), c.cell(), c.cutoff());
        assertMatchesBruteForce(c, nl);
        assertThat(nl.pairs()).isGreaterThan(c.pos().length / 3); // not a trivial case
    }

    /** Moving atoms by whole lattice vectors changes shifts by exactly that, and nothing else. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void unwrappedPositionsGiveSameVectors(Case c) {
        if (c.cell() == null || !c.cell().isAnyPeriodic()) return;
        SplittableRandom r = new SplittableRandom(c.label().hashCode());
        int n = c.pos().length / 3;
        double[] a = c.cell().vectors();
        int[] t = new int[3 * n];
        double[] moved = c.pos().clone();
        for (int i = 0; i < n; i++) {
            for (int ax = 0; ax < 3; ax++) {
                if (!c.cell().isPeriodic(ax)) continue;
                t[3 * i + ax] = r.nextInt(-40, 41);
                for (int k = 0; k < 3; k++) moved[3 * i + k] += t[3 * i + ax] * a[3 * ax + k];
            }
        }
        NeighborList base = NeighborList.build(c.pos(), c.cell(), c.cutoff());
        NeighborList nl = NeighborList.build(moved, c.cell(), c.cutoff());
        assertThat(nl.pairs()).isEqualTo(base.pairs());
        assertThat(nl.offsets()).isEqualTo(base.offsets());
        for (int i = 0; i < n; i++) {
            for (int p = base.offsets()[i]; p < base.offsets()[i + 1]; p++) {
                int j = base.neighbors()[p];
                // r'_j + S'·A − r'_i = r_j + S·A − r_i  ⇔  S' = S + t_i − t_j
                int q = find(nl, i, j, base.shifts()[3 * p] + t[3 * i] - t[3 * j],
                    base.shifts()[3 * p + 1] + t[3 * i + 1] - t[3 * j + 1], base.shifts()[3 * p + 2] + t[3 * i + 2] - t[3 * j + 2]);
                assertThat(q).as("moved pair (%d, %d)", i, j).isGreaterThanOrEqualTo(0);
                for (int k = 0; k < 3; k++) {
                    // coordinates up to ~500 Å: allow their rounding (1e-13 relative) only
                    assertThat(Math.abs(nl.vectors()[3 * q + k] - base.vectors()[3 * p + k])).isLessThanOrEqualTo(1e-10);
                }
            }
        }
    }

    @Test
    void tinyCellHasDozensOfOwnImages() {
        // cubic 1.5 Å cell, cutoff 5 Å: images at |S|·1.5 < 5, i.e. all S with |S|² < 11.1 except 0
        double[] a = {1.5, 0, 0, 0, 1.5, 0, 0, 0, 1.5};
        NeighborList nl = NeighborList.build(new double[] {0.3, -7.1, 12.0}, Cell.periodic(a), 5.0);
        int expected = 0;
        for (int x = -4; x <= 4; x++) {
            for (int y = -4; y <= 4; y++) {
                for (int z = -4; z <= 4; z++) {
                    if ((x | y | z) != 0 && 1.5 * Math.sqrt(x * x + y * y + z * z) < 5.0) expected++;
                }
            }
        }
        assertThat(expected).isGreaterThan(100);
        assertThat(nl.pairs()).isEqualTo(expected);
        for (int p = 0; p < nl.pairs(); p++) assertThat(nl.neighbors()[p]).isZero();
    }

    @Test
    void strictCutoff() {
        // two atoms exactly 2 apart (exact in binary): excluded at cutoff 2, included just above
        double[] pos = {0, 0, 0, 2, 0, 0};
        assertThat(NeighborList.build(pos, null, 2.0).pairs()).isZero();
        assertThat(NeighborList.build(pos, null, Math.nextUp(2.0)).pairs()).isEqualTo(2);
        // own image at exactly the lattice length
        double[] a = {2, 0, 0, 0, 10, 0, 0, 0, 10};
        assertThat(NeighborList.build(new double[] {0.5, 0.5, 0.5}, Cell.periodic(a), 2.0).pairs()).isZero();
        assertThat(NeighborList.build(new double[] {0.5, 0.5, 0.5}, Cell.periodic(a), Math.nextUp(2.0)).pairs()).isEqualTo(2);
    }

    @Test
    void mixedPeriodicityHasNoImagesAlongOpenAxis() {
        // slab: periodic in x and y (3 Å), open in z; one atom; cutoff 4.5 Å
        Cell slab = new Cell(new double[] {3, 0, 0, 0, 3, 0, 0, 0, 3}, new boolean[] {true, true, false});
        NeighborList nl = NeighborList.build(new double[] {0.1, 0.2, 0.3}, slab, 4.5);
        // in-plane images (x, y) with 3·|(x, y)| < 4.5: (±1, 0), (0, ±1), (±1, ±1); none along z
        assertThat(nl.pairs()).isEqualTo(8);
        for (int p = 0; p < nl.pairs(); p++) assertThat(nl.shifts()[3 * p + 2]).isZero();
    }

    @Test
    void cellWithoutPeriodicAxisIsAMolecule() {
        double[] pos = {0, 0, 0, 1, 0, 0, 0, 1.5, 0, 5, 5, 5};
        Cell open = new Cell(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new boolean[3]);
        NeighborList a = NeighborList.build(pos, open, 2.0);
        NeighborList b = NeighborList.build(pos, null, 2.0);
        assertThat(a).isEqualTo(b);
        assertThat(a.pairs()).isEqualTo(6);
        assertThat(a.offsets()).containsExactly(0, 2, 4, 6, 6);
        assertThat(a.neighbors()).containsExactly(1, 2, 0, 2, 0, 1);
    }

    @Test
    void emptyStructure() {
        NeighborList nl = NeighborList.build(new double[0], null, 3.0);
        assertThat(nl.atoms()).isZero();
        assertThat(nl.pairs()).isZero();
        assertThat(nl.offsets()).containsExactly(0);
    }

    @Test
    void structureOverloadUsesCellAndPositions() {
        for (int seed : new int[] {1, 2, 4, 5}) {
            Case c = randomCase(seed);
            int n = c.pos().length / 3;
            int[] z = new int[n];
            java.util.Arrays.fill(z, 8);
            Structure s = new Structure(z, c.pos(), c.cell(), null, null);
            assertThat(NeighborList.build(s, c.cutoff())).isEqualTo(NeighborList.build(c.pos(), c.cell(), c.cutoff()));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0})
    void rejectsBadCutoff(double cutoff) {
        assertThatThrownBy(() -> NeighborList.build(new double[] {0, 0, 0}, null, cutoff))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cutoff");
        Structure s = new Structure(new int[] {1}, new double[] {0, 0, 0});
        assertThatThrownBy(() -> NeighborList.build(s, cutoff))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cutoff");
    }

    @Test
    void rejectsBadPositions() {
        assertThatThrownBy(() -> NeighborList.build(new double[] {0, 0}, null, 1.0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 3");
        assertThatThrownBy(() -> NeighborList.build(new double[] {0, Double.NaN, 0}, null, 1.0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-finite");
    }

    @Test
    void rejectsHopelesslyLargeCutoff() {
        double[] a = {0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01};
        assertThatThrownBy(() -> NeighborList.build(new double[] {0, 0, 0}, Cell.periodic(a), 100.0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too large");
    }

    @Test
    void concurrentBuildsAgree() throws Exception {
        List<Case> cs = new ArrayList<>();
        for (int s = 0; s < 28; s++) cs.add(randomCase(s));
        List<NeighborList> serial = new ArrayList<>();
        for (Case c : cs) serial.add(NeighborList.build(c.pos(), c.cell(), c.cutoff()));
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Future<NeighborList>> fs = new ArrayList<>();
            for (int rep = 0; rep < 4; rep++) {
                for (Case c : cs) fs.add(ex.submit(() -> NeighborList.build(c.pos(), c.cell(), c.cutoff())));
            }
            for (int f = 0; f < fs.size(); f++) assertThat(fs.get(f).get()).isEqualTo(serial.get(f % cs.size()));
        } finally {
            ex.shutdownNow();
        }
    }
}
