package org.tensorbasis.structure;

import java.util.Arrays;

/**
 * A unit cell: three lattice vectors a1, a2, a3 (Å), stored row by row as in extended XYZ's
 * {@code Lattice="a1x a1y a1z a2x ..."}, and the periodicity of each axis. Immutable.
 *
 * <p>As in ASE, only the vectors of the periodic axes must be linearly independent (one periodic
 * axis: a non-zero vector; two: non-parallel; three: non-zero volume). The vector of a non-periodic
 * axis may be anything, including zero (a slab written with {@code Lattice="... 0 0 0"
 * pbc="T T F"}, a wire with {@code pbc="T F F"}). {@link #vectors()} always returns the vectors as
 * given, so writers round-trip them; the geometry ({@link #reciprocal()}, {@link #planeSpacings()},
 * {@link #fractional}) uses the {@linkplain #completedVectors() completed lattice}, in which the
 * vector of every non-periodic axis is replaced by a unit vector orthogonal to the periodic ones
 * (the unit normal of a slab, two orthonormal vectors for a wire). Non-periodic axes are never
 * replicated, so that replacement changes no physics (no image shift ever multiplies it), only the
 * frame used for binning; it makes the geometry depend on the periodic vectors alone, so a zero,
 * a 100 Å or a tilted vacuum vector give the same frame (a non-periodic vector nearly in the
 * periodic plane would otherwise squeeze the plane spacings and blow up the image search).
 */
public final class Cell {
    /**
     * Relative tolerance of the independence tests: a set of vectors is degenerate when its
     * length/area/volume is at most this times the product of the lengths (a sine, for two).
     */
    static final double DEGENERATE = 1e-8;
    /** Without periodic axis, a vector is kept in the completed lattice only if this far (a sine) from the others. */
    static final double KEEP = 1e-6;

    private final double[] vectors; // 9, row i = lattice vector i, as given
    private final boolean[] pbc;    // 3
    private final double[] frame;   // 9, the completed lattice
    private final boolean completed; // frame differs from vectors

    /**
     * @param vectors lattice vectors, row-major 3×3 (Å)
     * @param pbc     periodicity of each axis
     * @throws IllegalArgumentException if the sizes are wrong, a component is not finite, or the
     *     vectors of the periodic axes are degenerate (the message names the axes)
     */
    public Cell(double[] vectors, boolean[] pbc) {
        if (vectors.length != 9) throw new IllegalArgumentException("a cell needs 9 numbers, got " + vectors.length);
        if (pbc.length != 3) throw new IllegalArgumentException("pbc needs 3 flags, got " + pbc.length);
        for (double v : vectors) {
            if (!Double.isFinite(v)) throw new IllegalArgumentException("non-finite lattice vector component");
        }
        this.vectors = vectors.clone();
        this.pbc = pbc.clone();
        checkPeriodicVectors(this.vectors, this.pbc);
        this.frame = complete(this.vectors, this.pbc);
        this.completed = !Arrays.equals(frame, this.vectors);
    }

    /** Throws if the vectors of the periodic axes are linearly dependent. */
    private static void checkPeriodicVectors(double[] a, boolean[] pbc) {
        int np = 0;
        int[] ax = new int[3];
        for (int i = 0; i < 3; i++) if (pbc[i]) ax[np++] = i;
        if (np == 0) return;
        String flags = (pbc[0] ? "T" : "F") + " " + (pbc[1] ? "T" : "F") + " " + (pbc[2] ? "T" : "F");
        for (int t = 0; t < np; t++) {
            if (norm(a, 3 * ax[t]) == 0.0) {
                throw new IllegalArgumentException("lattice vector a" + (ax[t] + 1) + " is zero but axis " + (ax[t] + 1)
                    + " is periodic (pbc \"" + flags + "\"); only non-periodic axes may have a zero vector");
            }
        }
        if (np == 2) {
            double[] c = new double[3];
            cross(a, 3 * ax[0], a, 3 * ax[1], c, 0);
            double area = norm(c, 0);
            if (area <= DEGENERATE * norm(a, 3 * ax[0]) * norm(a, 3 * ax[1])) {
                throw new IllegalArgumentException("lattice vectors a" + (ax[0] + 1) + " and a" + (ax[1] + 1)
                    + " of the periodic axes " + (ax[0] + 1) + " and " + (ax[1] + 1) + " are parallel (pbc \"" + flags
                    + "\", area " + area + " Å²): they span no plane");
            }
        } else if (np == 3) {
            double vol = Math.abs(det(a));
            if (vol <= DEGENERATE * norm(a, 0) * norm(a, 3) * norm(a, 6)) {
                throw new IllegalArgumentException("lattice vectors a1, a2, a3 of the periodic axes 1, 2, 3 are coplanar"
                    + " (pbc \"" + flags + "\", zero volume " + vol + " Å³)");
            }
        }
    }

    /**
     * The completed lattice: periodic vectors as given, every non-periodic vector replaced by unit
     * vectors orthogonal to them, right-handed in cyclic axis order. Without periodic axis, each
     * vector is kept if independent of those already kept (in axis order), else replaced likewise.
     */
    private static double[] complete(double[] a, boolean[] pbc) {
        boolean[] kept = pbc.clone();
        boolean anyPeriodic = pbc[0] || pbc[1] || pbc[2];
        double[] q = new double[9]; // orthonormal basis of the span of the kept vectors
        int nq = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < 3; i++) {
                if ((pass == 0) != pbc[i]) continue;
                double len = norm(a, 3 * i);
                double[] v = {a[3 * i], a[3 * i + 1], a[3 * i + 2]};
                for (int t = 0; t < nq; t++) {
                    double p = v[0] * q[3 * t] + v[1] * q[3 * t + 1] + v[2] * q[3 * t + 2];
                    for (int k = 0; k < 3; k++) v[k] -= p * q[3 * t + k];
                }
                double r = norm(v, 0);
                // periodic vectors are independent (checked); without any, a vector needs a clear margin
                if (pass == 0 || (!anyPeriodic && len > 0 && r > KEEP * len)) {
                    kept[i] = true;
                    for (int k = 0; k < 3; k++) q[3 * nq + k] = v[k] / r;
                    nq++;
                }
            }
        }
        if (nq == 3) return a;
        double[] f = a.clone();
        if (nq == 2) { // one axis i missing: the unit normal of the two others, a_{i+1} × a_{i+2}
            int i = !kept[0] ? 0 : !kept[1] ? 1 : 2;
            cross(a, 3 * ((i + 1) % 3), a, 3 * ((i + 2) % 3), f, 3 * i);
            double r = norm(f, 3 * i);
            for (int k = 0; k < 3; k++) f[3 * i + k] /= r;
        } else if (nq == 1) { // one axis p kept: u ⟂ a_p, then w = â_p × u
            int p = kept[0] ? 0 : kept[1] ? 1 : 2;
            double[] e = new double[3];
            int m = 0; // the Cartesian axis least aligned with â_p
            for (int k = 1; k < 3; k++) if (Math.abs(q[k]) < Math.abs(q[m])) m = k;
            e[m] = 1;
            double[] u = new double[3];
            for (int k = 0; k < 3; k++) u[k] = e[k] - q[m] * q[k];
            double r = norm(u, 0);
            for (int k = 0; k < 3; k++) u[k] /= r;
            int i1 = (p + 1) % 3, i2 = (p + 2) % 3;
            for (int k = 0; k < 3; k++) f[3 * i1 + k] = u[k];
            cross(q, 0, u, 0, f, 3 * i2);
        } else { // no axis kept (no periodic axis and all vectors zero): Cartesian axes
            f = new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1};
        }
        for (int k = 0; k < 9; k++) if (!kept[k / 3]) f[k] += 0.0; // −0.0 → 0.0 in replaced vectors
        return f;
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

    /**
     * Signed volume a1 · (a2 × a3) of the vectors as given, Å³: zero for a slab or a wire whose
     * non-periodic vectors are zero.
     */
    public double volume() { return det(vectors); }

    /**
     * The lattice used for geometry, row-major 3×3 (copy): the periodic vectors exactly as given,
     * and for the non-periodic axes unit vectors orthogonal to them and to each other (the unit
     * normal a1 × a2 / |a1 × a2| of a slab periodic along 1, 2; two orthonormal vectors for a
     * wire), right-handed in cyclic axis order. It depends on the periodic vectors only. Fully
     * periodic cells: {@link #vectors()}. No periodic axis: {@link #vectors()} if independent, else
     * each dependent vector replaced likewise. Always has a non-zero volume.
     */
    public double[] completedVectors() { return frame.clone(); }

    /** True when {@link #completedVectors()} differs from {@link #vectors()}. */
    public boolean isCompleted() { return completed; }

    /**
     * Periodic measure, the length (one periodic axis), area (two) or volume (three) spanned by the
     * periodic lattice vectors; 0 when no axis is periodic.
     */
    public double periodicMeasure() {
        int np = 0;
        int[] ax = new int[3];
        for (int i = 0; i < 3; i++) if (pbc[i]) ax[np++] = i;
        if (np == 1) return norm(vectors, 3 * ax[0]);
        if (np == 2) {
            double[] c = new double[3];
            cross(vectors, 3 * ax[0], vectors, 3 * ax[1], c, 0);
            return norm(c, 0);
        }
        return np == 3 ? Math.abs(det(vectors)) : 0.0;
    }

    /**
     * Coordinates s with r = Σ s_i a_i in the completed lattice: along a periodic axis the
     * fractional coordinate of the projection of r on the periodic subspace, along a non-periodic
     * axis the distance (Å) along the completed unit vector.
     *
     * @param r a Cartesian position (3 numbers, Å)
     */
    public double[] fractional(double[] r) {
        double[] b = reciprocal();
        double[] s = new double[3];
        for (int i = 0; i < 3; i++) s[i] = b[3 * i] * r[0] + b[3 * i + 1] * r[1] + b[3 * i + 2] * r[2];
        return s;
    }

    /**
     * Reciprocal vectors of the {@linkplain #completedVectors() completed lattice}, without 2π,
     * row i = b_i with a_i · b_j = δ_ij (so fractional coordinates are s_i = b_i · r). For a
     * periodic axis, b_i is orthogonal to the other periodic vectors whatever the non-periodic ones.
     */
    public double[] reciprocal() {
        double[] a = frame;
        double vol = det(a);
        double[] b = new double[9];
        // b0 = a1 × a2 / V, b1 = a2 × a0 / V, b2 = a0 × a1 / V
        cross(a, 3, a, 6, b, 0);
        cross(a, 6, a, 0, b, 3);
        cross(a, 0, a, 3, b, 6);
        for (int i = 0; i < 9; i++) b[i] /= vol;
        return b;
    }

    /**
     * Distance between the lattice planes spanned by the two other vectors, for each axis, in the
     * completed lattice: along a periodic axis, the spacing of the lattice within the periodic
     * subspace (for a slab, the distance between lattice lines in its plane); along a non-periodic
     * axis, 1.
     */
    public double[] planeSpacings() {
        double[] b = reciprocal();
        double[] d = new double[3];
        for (int i = 0; i < 3; i++) {
            double n = Math.sqrt(b[3 * i] * b[3 * i] + b[3 * i + 1] * b[3 * i + 1] + b[3 * i + 2] * b[3 * i + 2]);
            d[i] = 1.0 / n;
        }
        return d;
    }

    private static double det(double[] v) {
        return v[0] * (v[4] * v[8] - v[5] * v[7])
             - v[1] * (v[3] * v[8] - v[5] * v[6])
             + v[2] * (v[3] * v[7] - v[4] * v[6]);
    }

    private static double norm(double[] v, int o) {
        return Math.sqrt(v[o] * v[o] + v[o + 1] * v[o + 1] + v[o + 2] * v[o + 2]);
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
