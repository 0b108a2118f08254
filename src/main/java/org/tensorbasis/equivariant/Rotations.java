package org.tensorbasis.equivariant;

import java.util.SplittableRandom;

/**
 * 3×3 rotations (row-major, acting on column vectors: {@code r' = R r}), uniformly random rotations,
 * improper rotations and the parity rule for spherical tensors.
 *
 * <p>Parity rule: an improper rotation is written {@code Q = −R} with R proper (rotation × inversion).
 * A spherical tensor block of order λ and parity σ transforms as
 * {@code y(QA) = σ (−1)^λ D^λ(R) y(A)}; σ = +1 for proper tensors, σ = −1 for pseudotensors
 * (e.g. an axial vector has λ = 1, σ = −1 and is unchanged by inversion).
 */
public final class Rotations {
    private Rotations() {}

    /** Uniform (Haar) random rotation: a unit quaternion from four Gaussians. */
    public static double[] random(SplittableRandom rng) {
        double w, x, y, z, n;
        do {
            w = rng.nextGaussian();
            x = rng.nextGaussian();
            y = rng.nextGaussian();
            z = rng.nextGaussian();
            n = Math.sqrt(w * w + x * x + y * y + z * z);
        } while (n < 1e-8);
        return fromQuaternion(w / n, x / n, y / n, z / n);
    }

    /** Rotation matrix of the unit quaternion (w, x, y, z). */
    public static double[] fromQuaternion(double w, double x, double y, double z) {
        return new double[] {
            1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
            2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
            2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)};
    }

    /** Rotation by {@code angle} (radians, right-handed) about the axis (ax, ay, az). */
    public static double[] axisAngle(double ax, double ay, double az, double angle) {
        double n = Math.sqrt(ax * ax + ay * ay + az * az);
        double s = Math.sin(angle / 2) / n;
        return fromQuaternion(Math.cos(angle / 2), ax * s, ay * s, az * s);
    }

    /** {@code R r} for every vector of a flat [x0 y0 z0 x1 …] array; returns a new array. */
    public static double[] apply(double[] r, double[] xyzFlat) {
        double[] out = new double[xyzFlat.length];
        for (int i = 0; i + 2 < xyzFlat.length; i += 3) {
            double x = xyzFlat[i], y = xyzFlat[i + 1], z = xyzFlat[i + 2];
            out[i] = r[0] * x + r[1] * y + r[2] * z;
            out[i + 1] = r[3] * x + r[4] * y + r[5] * z;
            out[i + 2] = r[6] * x + r[7] * y + r[8] * z;
        }
        return out;
    }

    /** The improper rotation {@code −R} (R followed by inversion). */
    public static double[] improper(double[] r) {
        double[] q = new double[9];
        for (int i = 0; i < 9; i++) q[i] = -r[i];
        return q;
    }

    /** Matrix product {@code A B} of 3×3 matrices. */
    public static double[] multiply(double[] a, double[] b) {
        double[] c = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                c[3 * i + j] = a[3 * i] * b[j] + a[3 * i + 1] * b[3 + j] + a[3 * i + 2] * b[6 + j];
            }
        }
        return c;
    }

    /** Transpose (= inverse for a rotation). */
    public static double[] transpose(double[] a) {
        return new double[] {a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]};
    }

    /** Determinant of a 3×3 matrix. */
    public static double det(double[] a) {
        return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6])
            + a[2] * (a[3] * a[7] - a[4] * a[6]);
    }

    /**
     * Matrix by which a block (λ, σ) transforms under the improper rotation {@code Q = −R}, R proper:
     * {@code σ (−1)^λ D^λ(R)}.
     */
    public static double[] wignerImproper(int lambda, int sigma, double[] r) {
        checkSigma(sigma);
        double[] d = WignerD.real(lambda, r);
        double f = sigma * ((lambda & 1) == 0 ? 1.0 : -1.0);
        for (int i = 0; i < d.length; i++) d[i] *= f;
        return d;
    }

    /**
     * Matrix by which a block (λ, σ) transforms under any orthogonal Q (det ±1): {@code D^λ(Q)} if Q is
     * proper, {@code σ (−1)^λ D^λ(−Q)} if it is improper.
     */
    public static double[] wigner(int lambda, int sigma, double[] q) {
        checkSigma(sigma);
        return det(q) > 0 ? WignerD.real(lambda, q) : wignerImproper(lambda, sigma, improper(q));
    }

    private static void checkSigma(int sigma) {
        if (sigma != 1 && sigma != -1) throw new IllegalArgumentException("sigma must be +1 or -1, got " + sigma);
    }
}
