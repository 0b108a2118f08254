package org.tensorbasis.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptimTest {

    @Test
    void adamFirstStepsMatchHandComputation() {
        // f(θ) = θ², θ0 = 1, lr 0.1; values computed independently in Python with the textbook form
        double[] th = {1.0};
        double[] g = new double[1];
        Adam adam = new Adam(1);
        double[] expected = {0.9000000005, 0.8004122286917928, 0.7015862729460303};
        for (int t = 0; t < 3; t++) {
            g[0] = 2 * th[0];
            adam.step(th, g, 0.1);
            assertThat(th[0]).isCloseTo(expected[t], within(1e-15));
        }
        assertThat(adam.stepCount()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void adamConvergesOnAnIllConditionedQuadratic(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 20;
        double[] a = new double[n], b = new double[n], th = new double[n], g = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = Math.exp(rng.nextDouble(-3, 3));
            b[i] = rng.nextGaussian();
        }
        Adam adam = new Adam(n);
        LearningRateSchedule lr = new WarmupCosineSchedule(0.05, 3000, 0.01);
        for (int s = 0; s < 3000; s++) {
            for (int i = 0; i < n; i++) g[i] = a[i] * (th[i] - b[i]);
            adam.step(th, g, lr.lr(s));
        }
        for (int i = 0; i < n; i++) assertThat(th[i]).isCloseTo(b[i], within(1e-4));
    }

    @Test
    void adamStateRoundTripsAndWeightDecayPullsToZero() {
        double[] th1 = {0.3, -1.2}, th2 = th1.clone();
        double[] g = {0.1, -0.4};
        Adam a1 = new Adam(2);
        a1.step(th1, g, 0.01);
        Adam a2 = new Adam(2);
        a2.step(th2, g, 0.01);
        Adam a3 = new Adam(2);
        a3.restore(a2.firstMoment().clone(), a2.secondMoment().clone(), a2.stepCount());
        a1.step(th1, g, 0.01);
        a3.step(th2, g, 0.01);
        assertThat(th2).containsExactly(th1);
        assertThatThrownBy(() -> a3.restore(new double[3], new double[3], 1)).isInstanceOf(IllegalArgumentException.class);

        // the fused variant gives the same update and leaves zero gradients
        Parameters pa = new Parameters();
        pa.register("w", Parameters.Init.uniform(1.0), 4);
        pa.initialize(3);
        double[] vals = pa.snapshot();
        double[] grads = {0.3, -0.1, 2.0, 0.0};
        System.arraycopy(grads, 0, pa.grads(), 0, 4);
        new Adam(4).stepAndZeroGrads(pa, 0.01);
        new Adam(4).step(vals, grads, 0.01);
        assertThat(pa.values()).containsExactly(vals);
        assertThat(pa.grads()).containsOnly(0.0);

        // zero gradient: only the decay acts, θ shrinks toward 0
        double[] th = {2.0};
        Adam wd = new Adam(1, 0.9, 0.999, 1e-8, 0.1);
        for (int s = 0; s < 100; s++) wd.step(th, new double[1], 0.01);
        assertThat(th[0]).isLessThan(2.0).isGreaterThan(0.0);
    }

    @Test
    void warmupCosineValues() {
        WarmupCosineSchedule s = new WarmupCosineSchedule(1e-3, 1000, 0.01);
        assertThat(s.warmupSteps()).isEqualTo(10);
        assertThat(s.lr(0)).isEqualTo(0.0);
        assertThat(s.lr(5)).isCloseTo(5e-4, within(1e-18));
        assertThat(s.lr(10)).isCloseTo(1e-3, within(1e-18));
        assertThat(s.lr(505)).isCloseTo(5e-4, within(1e-15));            // half-way through the decay
        assertThat(s.lr(10 + 990 / 3)).isCloseTo(1e-3 * 0.75, within(1e-15)); // cos(π/3) = ½
        assertThat(s.lr(999)).isGreaterThan(0).isLessThan(1e-8);
        assertThat(s.lr(1000)).isEqualTo(0.0);
        assertThat(s.lr(5000)).isEqualTo(0.0);
        for (long t = 10; t < 999; t++) assertThat(s.lr(t + 1)).isLessThan(s.lr(t));
        WarmupCosineSchedule noWarm = new WarmupCosineSchedule(2.0, 4, 0.0);
        assertThat(noWarm.lr(0)).isEqualTo(2.0);
        assertThat(noWarm.lr(2)).isCloseTo(1.0, within(1e-15));
    }

    @Test
    void reduceOnPlateau() {
        ReduceOnPlateau r = new ReduceOnPlateau(1.0, 0.5, 2);
        assertThat(r.observe(10)).isEqualTo(1.0);
        assertThat(r.observe(9)).isEqualTo(1.0);      // improved
        assertThat(r.observe(9)).isEqualTo(1.0);      // bad 1
        assertThat(r.observe(8.9999)).isEqualTo(1.0); // within threshold 1e-4·9: bad 2
        assertThat(r.observe(9.5)).isEqualTo(0.5);    // bad 3 > patience: reduce
        assertThat(r.observe(9.5)).isEqualTo(0.5);
        assertThat(r.observe(5)).isEqualTo(0.5);
        assertThat(r.best()).isEqualTo(5);
        ReduceOnPlateau floor = new ReduceOnPlateau(1.0, 0.1, 0, 1e-4, 0.05);
        floor.observe(1);
        assertThat(floor.observe(1)).isCloseTo(0.1, within(1e-15));
        assertThat(floor.observe(1)).isEqualTo(0.05);
    }
}
