package org.tensorbasis.basis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.basis.TensorBasis.PseudoMode;

/** The saving forward, {@link TensorBasis#backwardFromState} and a values-only workspace give exactly what forward/backward give. */
class TensorBasisStateTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int lambda = 0; lambda <= 8; lambda++) {
            for (int sigma : new int[] {1, -1}) {
                for (boolean corr : new boolean[] {false, true}) {
                    for (PseudoMode m : PseudoMode.values()) out.add(Arguments.of(lambda, sigma, corr, m));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "λ={0} σ={1} correction={2} {3}")
    @MethodSource("cases")
    void savedStateReproducesForwardAndBackwardBitForBit(int lambda, int sigma, boolean corr, PseudoMode mode) {
        TensorBasis b = new TensorBasis(lambda, sigma, corr, mode);
        SplittableRandom rng = new SplittableRandom(lambda * 97L + sigma * 7L + (corr ? 1 : 0) + 3L * mode.ordinal());
        int dim = b.dim();
        int atoms = 3;
        double[] v = gaussian(rng, 9 * atoms);
        int us = b.uSize();
        double[] u = gaussian(rng, us * atoms);
        double[] lam = gaussian(rng, dim * dim * atoms);
        double[] gT = gaussian(rng, b.size() * dim * atoms);
        TensorBasis.Workspace ws = b.newWorkspace();
        double[] t1 = new double[b.size() * dim * atoms];
        double[] t2 = new double[b.size() * dim * atoms];
        double[] state = new double[b.stateSize() * atoms];
        // all forwards first (as the model does), then the backwards
        for (int i = 0; i < atoms; i++) {
            b.forward(ws, v, 9 * i, u, us * i, lam, dim * dim * i, t1, i * b.size() * dim);
            b.forward(ws, v, 9 * i, u, us * i, lam, dim * dim * i, t2, i * b.size() * dim, state, i * b.stateSize());
        }
        assertThat(t2).containsExactly(t1);
        // a values-only workspace (prediction): the same basis values, and no backward or saved state
        TensorBasis.Workspace vo = b.newValuesOnlyWorkspace();
        double[] t3 = new double[b.size() * dim * atoms];
        for (int i = 0; i < atoms; i++) b.forward(vo, v, 9 * i, u, us * i, lam, dim * dim * i, t3, i * b.size() * dim);
        assertThat(t3).containsExactly(t1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.forward(vo, v, 0, u, 0, lam, 0, t3, 0, state, 0))
            .isInstanceOf(IllegalStateException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.backward(vo, v, 0, u, 0, lam, 0, gT, 0, new double[9], 0,
            new double[Math.max(1, us)], 0, new double[dim * dim], 0)).isInstanceOf(IllegalStateException.class);
        for (int i = 0; i < atoms; i++) {
            double[][] g1 = {new double[9], new double[us], new double[dim * dim]};
            double[][] g2 = {new double[9], new double[us], new double[dim * dim]};
            b.backward(ws, v, 9 * i, u, us * i, lam, dim * dim * i, gT, i * b.size() * dim, g1[0], 0, g1[1], 0, g1[2], 0);
            b.backwardFromState(ws, state, i * b.stateSize(), gT, i * b.size() * dim, g2[0], 0, g2[1], 0, g2[2], 0);
            for (int k = 0; k < 3; k++) assertThat(g2[k]).containsExactly(g1[k]);
            double norm = 0;
            for (double[] g : g1) for (double x : g) norm += x * x;
            if (b.usesV() || b.usesU() || b.usesLambdaCorrection()) assertThat(norm).isGreaterThan(0.0);
        }
    }

    static double[] gaussian(SplittableRandom rng, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextGaussian();
        return x;
    }
}
