package org.tensorbasis;

import java.util.SplittableRandom;
import org.tensorbasis.structure.Structure;

/** Test helper: random molecules in a box, atoms a minimum distance apart, the first atoms of given species. */
public final class RandomMolecules {
    private RandomMolecules() {}

    /**
     * n atoms uniformly in a cube of the given edge (Å), at least {@code minDistance} apart; atom i &lt;
     * species.length has species[i] (so every species occurs once n is large enough), the others are
     * drawn from {@code species}.
     */
    public static Structure of(SplittableRandom rng, int n, double edge, double minDistance, int... species) {
        int[] z = new int[n];
        double[] x = new double[3 * n];
        double min2 = minDistance * minDistance;
        for (int i = 0; i < n; i++) {
            z[i] = i < species.length ? species[i] : species[rng.nextInt(species.length)];
            outer:
            while (true) {
                for (int k = 0; k < 3; k++) x[3 * i + k] = edge * (rng.nextDouble() - 0.5);
                for (int j = 0; j < i; j++) {
                    double d2 = 0;
                    for (int k = 0; k < 3; k++) d2 += Math.pow(x[3 * i + k] - x[3 * j + k], 2);
                    if (d2 < min2) continue outer;
                }
                break;
            }
        }
        return new Structure(z, x);
    }
}
