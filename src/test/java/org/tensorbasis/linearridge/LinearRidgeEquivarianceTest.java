package org.tensorbasis.linearridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.descriptors.LambdaSoap;
import org.tensorbasis.descriptors.PowerSpectrumForm;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.structure.Structure;

/** A ridge fitted on λ-SOAP features predicts exactly equivariant tensors, per atom and per structure. */
class LinearRidgeEquivarianceTest {
    static final int[] HO = {1, 8};
    static final SphericalExpansion CALC = new SphericalExpansion(new DescriptorSettings(4.0, 0.5, 2, 4, HO, PowerSpectrumForm.UNIQUE_PAIRS));

    static Stream<Arguments> blocks() {
        List<Arguments> a = new ArrayList<>();
        for (int l = 0; l <= 4; l++) for (int s : new int[] {1, -1}) if (!(l == 0 && s == -1)) a.add(Arguments.of(l, s));
        return a.stream();
    }

    static Structure molecule(SplittableRandom rng, int n) {
        return org.tensorbasis.RandomMolecules.of(rng, n, 3.2, 0.8, HO);
    }

    static Structure transform(Structure s, double[] q) {
        return s.withGeometry(Rotations.apply(q, s.positions()), null);
    }

    static int[] groups(Structure s) {
        int[] g = new int[s.size()];
        for (int i = 0; i < g.length; i++) g[i] = s.number(i) == 1 ? 0 : 1;
        return g;
    }

    /** Fits per-atom and per-structure models on random molecules with random (non-equivariant) targets. */
    @ParameterizedTest
    @MethodSource("blocks")
    void fittedPredictionsAreEquivariant(int lambda, int sigma) {
        LambdaSoap soap = new LambdaSoap(CALC, lambda, sigma);
        int F = soap.features(), dm = soap.components(), P = 2, S = 2;
        SplittableRandom rng = new SplittableRandom(31 * lambda + sigma);
        RidgeSystem atoms = new RidgeSystem(S, F, P, dm, 1);
        RidgeSystem structs = new RidgeSystem(1, S * F, P, dm, 1);
        List<Structure> val = new ArrayList<>();
        double[] design = new double[S * F * dm];
        for (int k = 0; k < 12; k++) {
            Structure s = molecule(rng, 4 + rng.nextInt(3));
            double[] x = soap.compute(s);
            int[] g = groups(s);
            double[] y = new double[P * dm];
            for (int i = 0; i < s.size(); i++) {
                for (int c = 0; c < y.length; c++) y[c] = rng.nextGaussian();
                atoms.addTraining(g[i], x, i * F * dm, y, 0, 1);
            }
            for (int c = 0; c < y.length; c++) y[c] = rng.nextGaussian();
            StructureDesign.sum(x, 0, s.size(), g, S, F, dm, design, 0);
            structs.addTraining(0, design, 0, y, 0, 1);
            if (k < 3) val.add(s);
        }
        double[] grid = {1e-8, 1e-4};
        atoms.solve(grid);
        structs.solve(grid);
        RidgeWeights wa = atoms.select(true).weights();
        RidgeWeights ws = StructureDesign.asPerAtom(structs.select(false).weights(), S);
        for (double v : wa.weights()) assertThat(v).isFinite();
        assertThat(maxAbs(wa.weights())).isPositive();

        for (Structure s : val) {
            double[] r = Rotations.random(rng);
            double[][] qs = {r, Rotations.improper(r), {-1, 0, 0, 0, -1, 0, 0, 0, -1}};
            for (double[] q : qs) {
                double[] m = Rotations.wigner(lambda, sigma, q);
                Structure t = transform(s, q);
                double[] xa = soap.compute(s), xb = soap.compute(t);
                int n = s.size();
                // per atom
                double[] pa = new double[n * P * dm], pb = new double[n * P * dm];
                for (int i = 0; i < n; i++) {
                    wa.predict(groups(s)[i], xa, i * F * dm, 1, pa, i * P * dm);
                    wa.predict(groups(t)[i], xb, i * F * dm, 1, pb, i * P * dm);
                }
                assertThat(error(pa, pb, m, dm)).as("per atom λ=%d σ=%d", lambda, sigma).isLessThan(1e-12);
                // per structure
                double[] sa = new double[P * dm], sb = new double[P * dm];
                ws.predictSum(groups(s), xa, 0, n, sa, 0);
                ws.predictSum(groups(t), xb, 0, n, sb, 0);
                assertThat(error(sa, sb, m, dm)).as("per structure λ=%d σ=%d", lambda, sigma).isLessThan(1e-12);
            }
        }
    }

    /** max |b − M a| over rows of dm components, relative to max |a|. */
    static double error(double[] a, double[] b, double[] m, int dm) {
        return org.tensorbasis.RandomMolecules.equivarianceError(a, b, m, dm);
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }
}
