package org.tensorbasis.basis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.equivariant.WignerD;

/** The position elements of proper bases ({@code model.position_basis}): size, equivariance, gradients. */
class PositionBasisTest {

    private static double[] random(int n, SplittableRandom rng) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextDouble(-1, 1);
        return x;
    }

    private static double[] compute(TensorBasis b, double[] v, double[] lam, double[] pos) {
        double[] t = new double[b.size() * b.dim()];
        b.forwardPositioned(b.newWorkspace(), v, 0, null, 0, lam, 0, pos, 0, t, 0);
        return t;
    }

    @ParameterizedTest(name = "λ={0} correction={1}")
    @CsvSource({"0,false", "1,false", "1,true", "2,false", "2,true", "3,true", "4,false", "5,true", "6,true", "7,false", "8,true"})
    void positionElementsAreAppendedAndEquivariant(int lambda, boolean corr) {
        TensorBasis plain = new TensorBasis(lambda, 1, corr, PseudoMode.AXIAL);
        TensorBasis b = new TensorBasis(lambda, 1, corr, PseudoMode.AXIAL, true);
        assertThat(b.usesPosition()).isTrue();
        assertThat(plain.usesPosition()).isFalse();
        assertThat(b.size()).isEqualTo(plain.size() + TensorBasis.positionElements(lambda));
        int dim = b.dim();
        SplittableRandom rng = new SplittableRandom(500 + lambda);
        for (int trial = 0; trial < 3; trial++) {
            double[] v = random(9, rng);
            double[] lam = random(dim * dim, rng);
            double[] pos = random(3, rng);
            double[] t = compute(b, v, lam, pos);
            // the other elements are those of the basis without positions, unchanged
            double[] tp = new double[plain.size() * dim];
            plain.forward(plain.newWorkspace(), v, 0, null, 0, lam, 0, tp, 0);
            for (int i = 0; i < tp.length; i++) assertThat(t[i]).isEqualTo(tp[i]);
            for (int q = plain.size(); q < b.size(); q++) {
                double n2 = 0;
                for (int mu = 0; mu < dim; mu++) n2 += t[q * dim + mu] * t[q * dim + mu];
                assertThat(n2).as("position element %d", q).isGreaterThan(1e-12);
            }
            double norm = 0;
            for (double x : t) norm += x * x;
            double[] r = Rotations.random(rng);
            double[] d1 = WignerD.real(1, r);
            double[] dl = WignerD.real(lambda, r);
            for (boolean improper : new boolean[] {false, true}) {
                double vs = improper ? -1 : 1;
                double ls = improper ? Math.pow(-1, lambda) : 1;
                double[] rt = compute(b, TensorBasisTest.apply(d1, 3, v, 3, vs), TensorBasisTest.apply(dl, dim, lam, dim, ls), TensorBasisTest.apply(d1, 3, pos, 1, vs));
                double[] expect = TensorBasisTest.apply(dl, dim, t, b.size(), ls);
                double err = 0;
                for (int i = 0; i < t.length; i++) err = Math.max(err, Math.abs(rt[i] - expect[i]));
                assertThat(err / Math.sqrt(norm)).as("λ=%d improper=%s", lambda, improper).isLessThan(1e-12);
            }
        }
    }

    @ParameterizedTest(name = "λ={0}")
    @CsvSource({"0", "1", "2", "3", "4", "5", "6"})
    void gradientsOfTheLearnedInputsMatchFiniteDifferences(int lambda) {
        TensorBasis b = new TensorBasis(lambda, 1, true, PseudoMode.AXIAL, true);
        SplittableRandom rng = new SplittableRandom(90 + lambda);
        double[] v = random(9, rng);
        double[] lam = random(b.dim() * b.dim(), rng);
        double[] pos = random(3, rng);
        double[] w = random(b.size() * b.dim(), rng);
        double[] gv = new double[9];
        double[] gl = new double[lam.length];
        b.backward(b.newWorkspace(), v, 0, null, 0, lam, 0, pos, 0, w, 0, gv, 0, null, 0, gl, 0);
        double[][] in = {v, lam};
        double[][] g = {gv, gl};
        for (int k = 0; k < 2; k++) {
            if (k == 1 && !b.usesLambdaCorrection()) continue;
            for (int i = 0; i < in[k].length; i++) {
                double h = 1e-5;
                double x0 = in[k][i];
                in[k][i] = x0 + h;
                double fp = dot(compute(b, v, lam, pos), w);
                in[k][i] = x0 - h;
                double fm = dot(compute(b, v, lam, pos), w);
                in[k][i] = x0;
                double fd = (fp - fm) / (2 * h);
                assertThat(Math.abs(g[k][i] - fd) / Math.max(1.0, Math.abs(fd))).as("input %d[%d], λ=%d", k, i, lambda).isLessThan(1e-7);
            }
        }
        // the saved-state backward gives the same gradients bit for bit
        TensorBasis.Workspace ws = b.newWorkspace();
        double[] state = new double[b.stateSize()];
        double[] t = new double[b.size() * b.dim()];
        b.forwardPositioned(ws, v, 0, null, 0, lam, 0, pos, 0, t, 0, state, 0);
        double[] gv2 = new double[9];
        double[] gl2 = new double[lam.length];
        b.backwardFromState(ws, state, 0, w, 0, gv2, 0, null, 0, gl2, 0);
        assertThat(gv2).containsExactly(gv);
        assertThat(gl2).containsExactly(gl);
    }

    @Test
    void theLambdaOneElementIsThePositionItself() {
        TensorBasis b = new TensorBasis(1, 1, false, PseudoMode.AXIAL, true);
        double[] pos = {0.3, -1.2, 2.5};
        double[] t = compute(b, new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, null, pos);
        assertThat(java.util.Arrays.copyOfRange(t, 9, 12)).containsExactly(pos);
    }

    @Test
    void onlyProperBlocksHavePositions() {
        assertThatThrownBy(() -> new TensorBasis(0, -1, false, PseudoMode.AXIAL, true)).hasMessageContaining("position");
        assertThatThrownBy(() -> new TensorBasis(1, -1, false, PseudoMode.AXIAL, true)).hasMessageContaining("position");
        TensorBasis b = new TensorBasis(2, 1, false, PseudoMode.AXIAL, true);
        assertThatThrownBy(() -> b.forward(b.newWorkspace(), new double[9], 0, null, 0, null, 0, new double[b.size() * 5], 0))
            .hasMessageContaining("centred position");
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
