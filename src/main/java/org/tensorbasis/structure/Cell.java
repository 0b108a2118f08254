package org.tensorbasis.structure;

import java.util.Arrays;

/**
 * A unit cell: three lattice vectors a1, a2, a3 (Å), stored row by row as in extended XYZ's
 * {@code Lattice="a1x a1y a1z a2x ..."}, and the periodicity of each axis. Immutable.
 */
public final class Cell {
    private final double[] vectors; // 9, row i = lattice vector i
    private final boolean[] pbc;    // 3

    public Cell(double[] vectors, boolean[] pbc) {
        if (vectors.length != 9) throw new IllegalArgumentException("a cell needs 9 numbers, got " + vectors.length);
        if (pbc.length != 3) throw new IllegalArgumentException("pbc needs 3 flags, got " + pbc.length);
        for (double v : vectors) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("non-finite lattice vector component");
        }
        this.vectors = vectors.clone();
        this.pbc = pbc.clone();
        if (isAnyPeriodic() && Math.abs(volume()) < 1e-12) {
            throw new IllegalArgumentException("periodic cell with zero volume");
        }
    }

    /** A cell periodic along all three axes. */
    public static Cell periodic(double[] vectors) {
        return new Cell(vectors, new boolean[] {true, true, true});
    }

    /** Lattice vectors, row-major 3×3 (copy). */
    public double[] vectors() { return vectors.clone(); }

    /** Component k of lattice vector i. */
    public double vector(int i, int k) { return vectors[3 * i + k]; }

    /** Periodicity flags (copy). */
    public boolean[] pbc() { return pbc.clone(); }

    public boolean isPeriodic(int axis) { return pbc[axis]; }

    public boolean isAnyPeriodic() { return pbc[0] || pbc[1] || pbc[2]; }

    /** Signed volume a1 · (a2 × a3), Å³. */
    public double volume() {
        double[] v = vectors;
        return v[0] * (v[4] * v[8] - v[5] * v[7])
             - v[1] * (v[3] * v[8] - v[5] * v[6])
             + v[2] * (v[3] * v[7] - v[4] * v[6]);
    }

    /**
     * Reciprocal vectors without 2π, row i = b_i with a_i · b_j = δ_ij (so fractional
     * coordinates are s_i = b_i · r).
     */
    public double[] reciprocal() {
        double[] a = vectors;
        double vol = volume();
        double[] b = new double[9];
        // b0 = a1 × a2 / V, b1 = a2 × a0 / V, b2 = a0 × a1 / V
        cross(a, 3, a, 6, b, 0);
        cross(a, 6, a, 0, b, 3);
        cross(a, 0, a, 3, b, 6);
        for (int i = 0; i < 9; i++) b[i] /= vol;
        return b;
    }

    /** Distance between the lattice planes spanned by the two other vectors, for each axis. */
    public double[] planeSpacings() {
        double[] b = reciprocal();
        double[] d = new double[3];
        for (int i = 0; i < 3; i++) {
            double n = Math.sqrt(b[3 * i] * b[3 * i] + b[3 * i + 1] * b[3 * i + 1] + b[3 * i + 2] * b[3 * i + 2]);
            d[i] = 1.0 / n;
        }
        return d;
    }

    private static void cross(double[] u, int ou, double[] v, int ov, double[] out, int oo) {
        out[oo] = u[ou + 1] * v[ov + 2] - u[ou + 2] * v[ov + 1];
        out[oo + 1] = u[ou + 2] * v[ov] - u[ou] * v[ov + 2];
        out[oo + 2] = u[ou] * v[ov + 1] - u[ou + 1] * v[ov];
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Cell)) return false;
        Cell c = (Cell) o;
        return Arrays.equals(vectors, c.vectors) && Arrays.equals(pbc, c.pbc);
    }

    @Override
    public int hashCode() { return 31 * Arrays.hashCode(vectors) + Arrays.hashCode(pbc); }

    @Override
    public String toString() { return "Cell" + Arrays.toString(vectors) + " pbc=" + Arrays.toString(pbc); }
}
