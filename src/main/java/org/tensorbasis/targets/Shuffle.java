package org.tensorbasis.targets;

import java.util.SplittableRandom;

/** The project's one seeded shuffle (Fisher–Yates on {@link SplittableRandom}): splits and epoch orders. */
public final class Shuffle {
    private Shuffle() {}

    /** A permutation of 0..n−1 that depends only on the seed. */
    public static int[] permutation(int n, long seed) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        return perm;
    }
}
