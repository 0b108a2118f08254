package org.tensorbasis.lambdamcov;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.model.Parameters;
import org.tensorbasis.model.ScalarNetworks;
import org.tensorbasis.model.TensorModel;

/** The refit heads are the least-squares optimum: the loss gradient with respect to every head vanishes. */
class HeadRefinementTest {
    static final int[] SPECIES = {1, 6, 8};
    static final int F = 10;

    @ParameterizedTest(name = "λ={0} σ={1} perAtom={2} shared={3}")
    @CsvSource({"0,1,false,false", "1,1,false,false", "2,1,false,false", "3,-1,false,false", "0,1,true,false", "2,1,true,false",
        "1,-1,true,false", "0,1,false,true", "2,1,false,true", "3,-1,false,true", "0,1,true,true", "2,1,true,true", "1,-1,true,true"})
    void refitHeadsZeroTheHeadGradient(int lambda, int sigma, boolean perAtom, boolean shared) {
        SplittableRandom rng = new SplittableRandom(7 + lambda + (perAtom ? 100 : 0) + (shared ? 1000 : 0));
        int[] kPerL = {3, 4, 3, 4};
        TensorModel.Block block = new TensorModel.Block("t", lambda, sigma, 2, perAtom, true, null);
        TensorModel.Hypers hy = shared ? new TensorModel.Hypers(5, 2, 2, ScalarNetworks.Mode.SHARED, 3) : new TensorModel.Hypers(5, 2, 2);
        TensorModel net = new TensorModel(SPECIES, F, kPerL, hy, List.of(block), 3);
        int structures = 40;
        int atoms = 0;
        int[] sizes = new int[structures];
        for (int s = 0; s < structures; s++) atoms += sizes[s] = 2 + rng.nextInt(4);
        double[] x = new double[atoms * F];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian();
        int[] z = new int[atoms];
        int[] sof = new int[atoms];
        int a = 0;
        for (int s = 0; s < structures; s++) {
            for (int k = 0; k < sizes[s]; k++) {
                z[a] = SPECIES[rng.nextInt(SPECIES.length)];
                sof[a++] = s;
            }
        }
        double[][] exp = new double[4][];
        for (int l = 0; l < 4; l++) {
            exp[l] = new double[atoms * kPerL[l] * (2 * l + 1)];
            for (int i = 0; i < exp[l].length; i++) exp[l][i] = rng.nextGaussian();
        }
        AtomBatch batch = new AtomBatch(F, x, z, sof, structures, exp, kPerL);
        int w = block.properties() * block.dim();
        double[][][] targets = new double[1][structures][];
        for (int s = 0; s < structures; s++) {
            targets[0][s] = new double[(perAtom ? sizes[s] : 1) * w];
            for (int k = 0; k < targets[0][s].length; k++) targets[0][s][k] = rng.nextGaussian();
        }
        int[] which = new int[structures];
        for (int s = 0; s < structures; s++) which[s] = s;
        int[] sidx = new int[atoms];
        for (int i = 0; i < atoms; i++) sidx[i] = java.util.Arrays.binarySearch(SPECIES, z[i]);

        net.forward(batch);
        ScalarNetworks nets = net.scalarNetworks();
        // the hidden layer times the head weights is the head output
        double[] hidden = new double[atoms * nets.width()];
        nets.hidden(hidden);
        double[] coef = nets.output(0);
        double[] values = net.parameters().values();
        for (int i = 0; i < atoms; i++) {
            Parameters.Block wb = nets.headLinear(0, sidx[i]).weight();
            int nOut = nets.head(0).nOut();
            for (int o = 0; o < nOut; o++) {
                double acc = 0;
                for (int h = 0; h < nets.width(); h++) acc += values[wb.offset() + o * nets.width() + h] * hidden[i * nets.width() + h];
                assertThat(Math.abs(acc - coef[i * nOut + o])).isLessThan(1e-12 * Math.max(1, Math.abs(acc)));
            }
        }

        int[][] speciesOfAtoms = new int[structures][];
        for (int st = 0, i = 0; st < structures; st++) {
            speciesOfAtoms[st] = new int[sizes[st]];
            for (int k = 0; k < sizes[st]; k++) speciesOfAtoms[st][k] = sidx[i++];
        }
        double before = headGradientNorm(net, batch, targets, sizes, perAtom, w);
        assertThat(before).isGreaterThan(1e-3);
        double[] start = values.clone();
        for (boolean primalOnly : new boolean[] {true, false}) {
            net.parameters().restore(start);
            net.forward(batch);
            HeadRefinement.Normal[] normals = {HeadRefinement.newNormal(net, 0, primalOnly ? null : speciesOfAtoms)};
            // one system per species for per-atom blocks, one coupling the species for per-structure blocks; one shared head: one system
            int seg = net.basis(0).size() * nets.width();
            assertThat(normals[0].dual.length).isEqualTo(perAtom && !shared ? SPECIES.length : 1);
            assertThat(normals[0].d).isEqualTo(perAtom || shared ? seg : SPECIES.length * seg);
            HeadRefinement.accumulate(net, batch, which, targets, sidx, normals, new double[atoms * nets.width()]);
            normals[0].flushAll();
            double[] vals = start.clone();
            HeadRefinement.solve(net, 0, normals[0], HeadRefinement.factor(normals[0], 1e-14), vals);
            net.parameters().restore(vals);
            double after = headGradientNorm(net, batch, targets, sizes, perAtom, w);
            assertThat(after / before).as("head gradient after / before the refit, primal only %s", primalOnly).isLessThan(1e-6);
        }
    }

    /** ‖∂L/∂heads‖ of L = Σ (prediction − target)², prediction per atom or structure / N as in training. */
    private static double headGradientNorm(TensorModel net, AtomBatch batch, double[][][] targets, int[] sizes, boolean perAtom, int w) {
        net.forward(batch);
        double[] g = new double[batch.atoms() * w];
        for (int s = 0; s < batch.structures(); s++) {
            int a0 = batch.structureStart(s);
            int n = sizes[s];
            if (perAtom) {
                double[] y = net.atomOutput(0);
                for (int i = 0; i < n * w; i++) g[a0 * w + i] = 2 * (y[a0 * w + i] - targets[0][s][i]);
            } else {
                double[] y = net.structureOutput(0);
                for (int j = 0; j < w; j++) {
                    double d = 2 * (y[s * w + j] / n - targets[0][s][j]) / n;
                    for (int i = a0; i < a0 + n; i++) g[i * w + j] = d;
                }
            }
        }
        Parameters p = net.parameters();
        p.zeroGrads();
        net.backward(new double[][] {g});
        double sq = 0;
        for (int s = 0; s < (net.scalarNetworks().isShared() ? 1 : SPECIES.length); s++) {
            Parameters.Block b = net.scalarNetworks().headLinear(0, s).weight();
            for (int k = b.offset(); k < b.end(); k++) sq += p.grads()[k] * p.grads()[k];
        }
        return Math.sqrt(sq);
    }

    /**
     * The dual form (fewer design rows than unknowns) and the primal form give the solution of the old
     * refit (normal equations AᵀA + r·mean(diag)·I by plain loops, unblocked Cholesky) to 1e-10 relative
     * for several ridges, and so does the primal form when there are more rows than unknowns.
     */
    @ParameterizedTest(name = "rows={0} unknowns={1}")
    @CsvSource({"60,150", "300,150", "149,150", "700,97"})
    void dualAndPrimalEqualTheOldSolution(int rows, int d) {
        SplittableRandom rng = new SplittableRandom(rows * 31L + d);
        int properties = 2;
        double[][] a = new double[rows][d];
        double[][] t = new double[rows][properties];
        for (int r = 0; r < rows; r++) {
            // correlated columns, as hidden units times basis values are
            double common = rng.nextGaussian();
            for (int j = 0; j < d; j++) a[r][j] = rng.nextGaussian() + 0.5 * common * Math.sin(j);
            for (int p = 0; p < properties; p++) t[r][p] = rng.nextGaussian();
        }
        long[] counts = {rows};
        HeadRefinement.Normal dual = new HeadRefinement.Normal(1, d, properties, true, counts);
        HeadRefinement.Normal primal = new HeadRefinement.Normal(1, d, properties, true, null);
        assertThat(dual.dual[0]).isEqualTo(rows < d && (long) rows * d + 2L * rows * rows <= 2L * d * d);
        assertThat(primal.dual[0]).isFalse();
        for (HeadRefinement.Normal nm : new HeadRefinement.Normal[] {dual, primal}) {
            for (int r = 0; r < rows; r++) {
                double[] row = nm.row(0);
                System.arraycopy(a[r], 0, row, nm.rowOffset(0), d);
                double[] tr = t[r].clone();
                nm.commit(0, tr, 0, 1);
            }
            nm.flushAll();
        }
        // the old algorithm
        double[] ata = new double[d * d];
        double[] atb = new double[d * properties];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) ata[i * d + j] += a[r][i] * a[r][j];
                for (int p = 0; p < properties; p++) atb[i * properties + p] += a[r][i] * t[r][p];
            }
        }
        double mean = 0;
        for (int i = 0; i < d; i++) mean += ata[i * d + i];
        mean /= d;
        for (double ridge : new double[] {1e-4, 1e-2, 1e-1, 1.0, 10.0, 100.0}) {
            double[] m = ata.clone();
            for (int i = 0; i < d; i++) m[i * d + i] += ridge * mean;
            double[] l = plainCholesky(m, d);
            double[][] fd = HeadRefinement.factor(dual, ridge);
            double[][] fp = HeadRefinement.factor(primal, ridge);
            for (int p = 0; p < properties; p++) {
                double[] ref = new double[d];
                for (int i = 0; i < d; i++) ref[i] = atb[i * properties + p];
                plainSolve(l, d, ref);
                double[] xd = HeadRefinement.solution(dual, 0, fd[0], p);
                double[] xp = HeadRefinement.solution(primal, 0, fp[0], p);
                assertThat(relative(xd, ref)).as("dual, ridge %s", ridge).isLessThan(1e-10);
                assertThat(relative(xp, ref)).as("primal, ridge %s", ridge).isLessThan(1e-10);
            }
        }
    }

    private static double relative(double[] x, double[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - ref[i]) * (x[i] - ref[i]);
            den += ref[i] * ref[i];
        }
        return Math.sqrt(num / den);
    }

    private static double[] plainCholesky(double[] m, int n) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double s = m[j * n + j];
            for (int k = 0; k < j; k++) s -= l[j * n + k] * l[j * n + k];
            l[j * n + j] = Math.sqrt(s);
            for (int i = j + 1; i < n; i++) {
                double u = m[i * n + j];
                for (int k = 0; k < j; k++) u -= l[i * n + k] * l[j * n + k];
                l[i * n + j] = u / l[j * n + j];
            }
        }
        return l;
    }

    private static void plainSolve(double[] l, int n, double[] x) {
        for (int i = 0; i < n; i++) {
            double s = x[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * x[k];
            x[i] = s / l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = x[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
            x[i] = s / l[i * n + i];
        }
    }

    /**
     * training.refit_validation adds the validation rows to the flushed training systems: a primal system extended
     * after flushAll equals the system of all rows at once (to round-off), rows, targets and trace alike.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {7, 600, 1300})
    void aPrimalSystemExtendedAfterFlushingEqualsTheSystemOfAllRows(int first) {
        int d = 12, properties = 2, rows = 1500;
        SplittableRandom rng = new SplittableRandom(first);
        double[][] a = new double[rows][d];
        double[][] t = new double[rows][properties];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < d; j++) a[r][j] = rng.nextGaussian();
            for (int p = 0; p < properties; p++) t[r][p] = rng.nextGaussian();
        }
        HeadRefinement.Normal once = new HeadRefinement.Normal(1, d, properties, true, null);
        HeadRefinement.Normal twice = new HeadRefinement.Normal(1, d, properties, true, null);
        for (int r = 0; r < rows; r++) {
            if (r == first) twice.flushAll(); // the training systems, solved, then extended
            for (HeadRefinement.Normal nm : new HeadRefinement.Normal[] {once, twice}) {
                double[] row = nm.row(0);
                System.arraycopy(a[r], 0, row, nm.rowOffset(0), d);
                nm.commit(0, t[r].clone(), 0, 1);
            }
        }
        once.flushAll();
        twice.flushAll();
        for (int i = 0; i < d * d; i++) assertThat(twice.ata[0][i]).isCloseTo(once.ata[0][i], org.assertj.core.api.Assertions.within(1e-10));
        for (int i = 0; i < d * properties; i++) assertThat(twice.atb[0][i]).isCloseTo(once.atb[0][i], org.assertj.core.api.Assertions.within(1e-10));
        assertThat(twice.trace[0]).isCloseTo(once.trace[0], org.assertj.core.api.Assertions.within(1e-9));
        assertThat(once.trace[0]).isGreaterThan(rows * d * 0.5);
    }
}
