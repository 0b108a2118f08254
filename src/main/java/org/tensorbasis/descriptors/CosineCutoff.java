package org.tensorbasis.descriptors;

/**
 * Shifted-cosine cutoff: f(r) = 1 for r ≤ r_c − w, ½(1 + cos(π (r − r_c + w)/w)) for r_c − w &lt; r &lt; r_c,
 * 0 for r ≥ r_c. It is C¹ (value and first derivative continuous everywhere).
 */
public final class CosineCutoff {
    private CosineCutoff() {}

    /** f(r) for cutoff rc and width w. */
    public static double value(double r, double rc, double w) {
        if (r >= rc) return 0.0;
        double onset = rc - w;
        if (r <= onset) return 1.0;
        return 0.5 * (1.0 + Math.cos(Math.PI * (r - onset) / w));
    }

    /** df/dr. */
    public static double derivative(double r, double rc, double w) {
        double onset = rc - w;
        if (r >= rc || r <= onset) return 0.0;
        return -0.5 * Math.PI / w * Math.sin(Math.PI * (r - onset) / w);
    }
}
