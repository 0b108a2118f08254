package org.tensorbasis.equivariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CartesianTensorsTest {

    static String signature(Decomposition d) {
        StringBuilder sb = new StringBuilder();
        for (Decomposition.Block b : d.blocks()) sb.append(b.lambda()).append(b.sigma() > 0 ? '+' : '-').append(b.multiplicity()).append(' ');
        return sb.toString().trim();
    }

    @Test
    void blocksPerRank() {
        assertThat(signature(CartesianTensors.general(1))).isEqualTo("1+0");
        assertThat(signature(CartesianTensors.general(2))).isEqualTo("0+0 1-0 2+0");
        assertThat(signature(CartesianTensors.general(3))).isEqualTo("0-0 1+0 1+1 1+2 2-0 2-1 3+0");
        assertThat(signature(CartesianTensors.general(4)))
            .isEqualTo("0+0 0+1 0+2 1-0 1-1 1-2 1-3 1-4 1-5 2+0 2+1 2+2 2+3 2+4 2+5 3-0 3-1 3-2 4+0");
        assertThat(signature(Decomposition.symmetricRank2())).isEqualTo("0+0 2+0");
        assertThat(signature(Decomposition.symmetricRank3())).isEqualTo("1+0 3+0");
        assertThat(signature(Decomposition.symmetricRank4())).isEqualTo("0+0 2+0 4+0");
        for (int n = 1; n <= 4; n++) {
            Decomposition g = CartesianTensors.general(n);
            assertThat(g.sphericalSize()).isEqualTo(g.cartesianSize());
            int off = 0;
            for (Decomposition.Block b : g.blocks()) {
                assertThat(b.offset()).isEqualTo(off);
                off += b.size();
            }
            assertThat(off).isEqualTo(g.sphericalSize());
        }
        assertThat(Decomposition.symmetricRank3().sphericalSize()).isEqualTo(10);
        assertThat(Decomposition.symmetricRank4().sphericalSize()).isEqualTo(15);
        assertThat(CartesianTensors.general(2).blocks().get(2).label()).isEqualTo("lambda=2 sigma=+1 path=1,2");
        assertThatThrownBy(() -> CartesianTensors.general(5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CartesianTensors.general(2).toSpherical(new double[8])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generalMatricesAreOrthogonal() {
        for (int n = 1; n <= 4; n++) {
            Decomposition g = CartesianTensors.general(n);
            double[] m = g.matrix();
            int s = g.cartesianSize();
            for (int i = 0; i < s; i++) {
                for (int j = 0; j < s; j++) {
                    double a = 0, b = 0;
                    for (int k = 0; k < s; k++) {
                        a += m[i * s + k] * m[j * s + k];
                        b += m[k * s + i] * m[k * s + j];
                    }
                    assertThat(a).isCloseTo(i == j ? 1 : 0, within(1e-14));
                    assertThat(b).isCloseTo(i == j ? 1 : 0, within(1e-14));
                }
            }
        }
    }

    @Test
    void vectorsAreReorderedOnly() {
        double[] v = {0.3, -1.2, 2.5};
        assertThat(CartesianTensors.general(1).toSpherical(v)).containsExactly(-1.2, 2.5, 0.3);
        assertThat(CartesianTensors.symmetric(1).toSpherical(v)).containsExactly(-1.2, 2.5, 0.3);
    }

    static double[] random(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return v;
    }

    static Stream<Long> seeds() {
        return IntStream.range(0, 8).mapToObj(i -> 900L + i);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void rank2ClosedForms(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] t = random(rng, 9);
        double[] s = CartesianTensors.general(2).toSpherical(t);
        assertThat(s[0]).isCloseTo(-(t[0] + t[4] + t[8]) / Math.sqrt(3), within(1e-14));
        // λ = 1 in (y, z, x) order: (T_zx − T_xz, T_xy − T_yx, T_yz − T_zy)/√2
        assertThat(s[1]).isCloseTo((t[6] - t[2]) / Math.sqrt(2), within(1e-14));
        assertThat(s[2]).isCloseTo((t[1] - t[3]) / Math.sqrt(2), within(1e-14));
        assertThat(s[3]).isCloseTo((t[5] - t[7]) / Math.sqrt(2), within(1e-14));
        // T = u vᵀ: blocks are the couplings [u ⊗ v]^λ
        double[] u = random(rng, 3), v = random(rng, 3), uv = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) uv[3 * i + j] = u[i] * v[j];
        double[] su = {u[1], u[2], u[0]}, sv = {v[1], v[2], v[0]}, c2 = new double[5];
        ClebschGordan.of(1, 1, 2).couple(su, 0, sv, 0, c2, 0);
        double[] s2 = CartesianTensors.general(2).toSpherical(uv);
        for (int i = 0; i < 5; i++) assertThat(s2[4 + i]).isCloseTo(c2[i], within(1e-14));
    }

    static Stream<Arguments> rankSeeds() {
        List<Arguments> a = new ArrayList<>();
        for (int n = 1; n <= 4; n++) for (int s = 0; s < 5; s++) a.add(Arguments.of(n, 40L * n + s));
        return a.stream();
    }

    static double[] symmetrized(double[] t, int rank) {
        // average over all index permutations, independently of the class under test
        int n = t.length;
        double[] out = new double[n];
        int[][] perms = permutations(rank);
        for (int c = 0; c < n; c++) {
            int[] d = new int[rank];
            for (int k = rank - 1, x = c; k >= 0; k--, x /= 3) d[k] = x % 3;
            for (int[] p : perms) {
                int idx = 0;
                for (int k = 0; k < rank; k++) idx = 3 * idx + d[p[k]];
                out[c] += t[idx] / perms.length;
            }
        }
        return out;
    }

    static int[][] permutations(int r) {
        if (r == 1) return new int[][] {{0}};
        List<int[]> out = new ArrayList<>();
        for (int[] p : permutations(r - 1)) {
            for (int pos = 0; pos < r; pos++) {
                int[] q = new int[r];
                for (int i = 0, j = 0; i < r; i++) q[i] = i == pos ? r - 1 : p[j++];
                out.add(q);
            }
        }
        return out.toArray(new int[0][]);
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double x : a) m = Math.max(m, Math.abs(x));
        return m;
    }

    @ParameterizedTest
    @MethodSource("rankSeeds")
    void roundTripsAndSymmetricSubspace(int rank, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Decomposition g = CartesianTensors.general(rank), s = CartesianTensors.symmetric(rank);
        double[] t = random(rng, g.cartesianSize());
        double[] back = g.toCartesian(g.toSpherical(t));
        for (int i = 0; i < t.length; i++) assertThat(back[i]).isCloseTo(t[i], within(1e-13));
        // symmetric tensors lose nothing; toCartesian is symmetric; a general tensor gives its symmetric part
        double[] st = symmetrized(t, rank);
        double[] sback = s.toCartesian(s.toSpherical(st));
        for (int i = 0; i < t.length; i++) assertThat(sback[i]).isCloseTo(st[i], within(1e-13));
        double[] fromGeneral = s.toCartesian(s.toSpherical(t));
        for (int i = 0; i < t.length; i++) assertThat(fromGeneral[i]).isCloseTo(st[i], within(1e-13));
        double[] anySph = random(rng, s.sphericalSize());
        double[] c = s.toCartesian(anySph);
        double[] cs = symmetrized(c, rank);
        for (int i = 0; i < c.length; i++) assertThat(c[i]).isCloseTo(cs[i], within(1e-14));
        double[] again = s.toSpherical(c);
        for (int i = 0; i < anySph.length; i++) assertThat(again[i]).isCloseTo(anySph[i], within(1e-13));
        // the symmetric λ = n block is the general one; norms of the λ content agree
        double[] gs = g.toSpherical(st), ss = s.toSpherical(st);
        Decomposition.Block top = g.blocks(rank).get(0), stop = s.blocks(rank).get(0);
        for (int mu = 0; mu < 2 * rank + 1; mu++) assertThat(ss[stop.offset() + mu]).isCloseTo(gs[top.offset() + mu], within(1e-13));
        for (Decomposition.Block sb : s.blocks()) {
            double ns = 0, ng = 0;
            for (int mu = 0; mu < sb.size(); mu++) ns += ss[sb.offset() + mu] * ss[sb.offset() + mu];
            for (Decomposition.Block gb : g.blocks(sb.lambda())) for (int mu = 0; mu < gb.size(); mu++) ng += gs[gb.offset() + mu] * gs[gb.offset() + mu];
            assertThat(ns).isCloseTo(ng, within(1e-12 * (1 + ng)));
        }
        // in-place variants with offsets
        double[] sph = new double[g.sphericalSize() + 2], cart = new double[g.cartesianSize() + 3];
        double[] tt = new double[t.length + 1];
        System.arraycopy(t, 0, tt, 1, t.length);
        g.toSpherical(tt, 1, sph, 2);
        g.toCartesian(sph, 2, cart, 3);
        for (int i = 0; i < t.length; i++) assertThat(cart[3 + i]).isCloseTo(t[i], within(1e-13));
    }

    @ParameterizedTest
    @MethodSource("rankSeeds")
    void blocksAreEquivariantUnderRotationsAndInversion(int rank, long seed) {
        SplittableRandom rng = new SplittableRandom(seed + 17);
        for (Decomposition d : new Decomposition[] {CartesianTensors.general(rank), CartesianTensors.symmetric(rank)}) {
            double[] t = random(rng, d.cartesianSize());
            if (d.isSymmetric()) t = symmetrized(t, rank);
            double[] r = Rotations.random(rng);
            for (double[] q : new double[][] {r, Rotations.improper(r)}) {
                double[] a = d.toSpherical(t);
                double[] b = d.toSpherical(CartesianTensors.transform(q, t, rank));
                for (Decomposition.Block blk : d.blocks()) {
                    double[] x = new double[blk.size()];
                    System.arraycopy(a, blk.offset(), x, 0, x.length);
                    double[] expected = WignerD.apply(Rotations.wigner(blk.lambda(), blk.sigma(), q), x);
                    for (int mu = 0; mu < x.length; mu++) {
                        assertThat(b[blk.offset() + mu]).as("%s", blk.label()).isCloseTo(expected[mu], within(1e-12));
                    }
                }
            }
        }
    }

    @Test
    void transformRotatesEveryIndex() {
        SplittableRandom rng = new SplittableRandom(3);
        double[] q = Rotations.random(rng), u = random(rng, 3), v = random(rng, 3), w = random(rng, 3);
        double[] t = new double[27];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) t[9 * i + 3 * j + k] = u[i] * v[j] * w[k];
        double[] qu = Rotations.apply(q, u), qv = Rotations.apply(q, v), qw = Rotations.apply(q, w);
        double[] rt = CartesianTensors.transform(q, t, 3);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) {
            assertThat(rt[9 * i + 3 * j + k]).isCloseTo(qu[i] * qv[j] * qw[k], within(1e-14));
        }
    }
}
