package org.tensorbasis.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The register-blocked λ = 2 contractions give the general loops' results bit for bit (same order of every sum). */
class ContractionKernelTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 28, 64})
    void theFiveByFiveKernelsEqualTheGeneralLoops(int channels) {
        SplittableRandom rng = new SplittableRandom(channels);
        int eo = 3, wo = 5, oo = 2;
        double[] e = new double[eo + channels * 5 + 4];
        double[] w = new double[wo + channels * 5 + 1];
        double[] g = new double[25];
        for (int i = 0; i < e.length; i++) e[i] = rng.nextGaussian() * Math.exp(4 * rng.nextGaussian());
        for (int i = 0; i < w.length; i++) w[i] = rng.nextGaussian();
        for (int i = 0; i < g.length; i++) g[i] = rng.nextGaussian();
        e[eo + 2] = -0.0;
        double[] a = new double[oo + 25 + 3], b = new double[oo + 25 + 3];
        java.util.Arrays.fill(a, 7.0);
        java.util.Arrays.fill(b, 7.0);
        TensorModel.contract5x5(e, eo, channels, w, wo, a, oo);
        TensorModel.contractTensorsLoop(e, eo, channels, 5, 5, w, wo, b, oo);
        assertThat(a).isEqualTo(b);
        double[] ga = new double[wo + channels * 5 + 2], gb = new double[ga.length];
        for (int i = 0; i < ga.length; i++) ga[i] = gb[i] = rng.nextGaussian();
        TensorModel.accumulateGrad5x5(e, eo, channels, g, ga, wo);
        TensorModel.accumulateTensorGradLoop(e, eo, channels, 5, 5, g, gb, wo);
        assertThat(ga).isEqualTo(gb);
    }
}
