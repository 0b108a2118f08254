package org.tensorbasis.descriptors;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.tensorbasis.BadInputException;
import org.tensorbasis.neighbors.NeighborList;
import org.tensorbasis.structure.Elements;
import org.tensorbasis.structure.Structure;

/**
 * Species mixing matrices W (S × d, row-major, rows in the order of the sorted species) that compress the S
 * one-hot neighbour-species channels of the density expansion into d pseudo-species
 * ({@link DescriptorSettings#mixing()}). They are fixed before training, from the training structures:
 *
 * <ul>
 *   <li>{@link #spectral}: a spectral embedding of the neighbour co-occurrence. C_ab = Σ f_c(r_ij) over the
 *       ordered pairs (i, j) within the cutoff with s_i = a, s_j = b (training set, full neighbour lists, so C is
 *       symmetric); D_a = Σ_b C_ab; A = D^{-1/2} C D^{-1/2} (eigenvalues in [−1, 1], the largest 1 with eigenvector
 *       ∝ √D). W's columns are the d eigenvectors u_k of A of largest |eigenvalue| (the best rank-d approximation of
 *       A), rescaled to the random-walk form W[a][k] = u_k[a] √(ΣD / D_a): column 0 is then 1 for every element
 *       (the species-blind total density) and every column satisfies P W_k = λ_k W_k with P = D^{-1} C, i.e. an
 *       element's weight is (1/λ_k) × the average weight of its neighbours: elements found in similar company get
 *       similar channels. Negative eigenvalues (e.g. cations against anions, which neighbour each other) are kept
 *       by the |λ| order. An element that never has a neighbour (D_a = 0) gets the row (1, 0, …, 0).
 *       Sign: the entry of largest magnitude of each column is positive.</li>
 *   <li>{@link #random}: seeded Gaussian entries / √d.</li>
 *   <li>{@link #identity}: the one-hot channels as a mixing (for tests: it reproduces them bit for bit).</li>
 * </ul>
 */
public final class SpeciesMixing {
    private SpeciesMixing() {}

    /** {@code auto} uses one-hot channels up to this many elements, compressed ones above. */
    public static final int AUTO_MAX_ONE_HOT = 8;

    /** How the neighbour-species channels are built ({@code model.soap.species_channels}). */
    public enum Mode {
        /**
         * one-hot up to {@link #AUTO_MAX_ONE_HOT} elements; above, {@link #TRAINED} where the architecture can train
         * the mixing (λ-MCoV: best on the 64-element Born charges and the synthetic 64-element set, docs/results.md) and
         * {@link #RANDOM} where it cannot (linear_ridge: measured best there, docs/linear-ridge.md). {@link #resolve}.
         */
        AUTO("auto"),
        ONE_HOT("one_hot"),
        SPECTRAL("spectral"),
        RANDOM("random"),
        /** {@link #SPECTRAL} as the initial W, then trained with the network (λ-MCoV only, {@link TrainedMixing}). */
        TRAINED("trained");

        private final String option;

        Mode(String option) { this.option = option; }

        /** The option's spelling. */
        public String option() { return option; }

        /** The mode of an option value (as spelt by {@link #option()}). */
        public static Mode of(String option) {
            for (Mode m : values()) if (m.option.equals(option)) return m;
            throw new IllegalArgumentException("unknown species_channels " + option);
        }

        /** The option values, in order. */
        public static List<String> options() {
            return Arrays.stream(values()).map(Mode::option).toList();
        }
    }

    /**
     * The mixing a training run uses, or null for one-hot channels.
     *
     * @param mode    the option {@code species_channels}
     * @param d       the option {@code pseudo_species}
     * @param species the training set's elements, sorted ascending
     * @param train   the training structures (for {@link Mode#SPECTRAL})
     * @param seed    the run's seed (for {@link Mode#RANDOM})
     * @throws BadInputException if an explicit compressed mode asks for more pseudo-species than there are elements
     */
    public static double[] choose(Mode mode, int d, int[] species, List<Structure> train, double cutoff, double width, long seed) {
        int s = species.length;
        Mode m = resolve(mode, s, d, false);
        if (m == Mode.ONE_HOT) return null;
        if (d > s) {
            throw BadInputException.option(null, -1, "model.soap.pseudo_species", "is " + d + ", more than the " + s
                + " elements of the training set; use at most " + s + " or species_channels: one_hot");
        }
        // trained: starts from the spectral embedding (the trainer then updates it)
        return m == Mode.SPECTRAL || m == Mode.TRAINED ? spectral(train, species, cutoff, width, d) : random(s, d, seed);
    }

    /**
     * The channels an option value stands for with {@code s} elements: {@link Mode#AUTO} becomes one-hot up to
     * {@link #AUTO_MAX_ONE_HOT} elements (or when d ≥ s), above that {@link Mode#TRAINED} if {@code trainable} (the
     * architecture trains the mixing with its network) and {@link Mode#RANDOM} if not; other values stand for themselves.
     */
    public static Mode resolve(Mode mode, int s, int d, boolean trainable) {
        if (mode != Mode.AUTO) return mode;
        if (s <= AUTO_MAX_ONE_HOT || d >= s) return Mode.ONE_HOT;
        return trainable ? Mode.TRAINED : Mode.RANDOM;
    }

    /** One line for the training log: the channels used ({@code used}, resolved from the option {@code mode}). */
    public static String describe(int[] species, double[] mixing, Mode mode, Mode used) {
        int s = species.length;
        String why = mode != Mode.AUTO ? "" : mixing != null ? ", more than " + AUTO_MAX_ONE_HOT + " elements"
            : s <= AUTO_MAX_ONE_HOT ? ", at most " + AUTO_MAX_ONE_HOT + " elements" : ", pseudo_species not fewer than the elements";
        if (mixing == null) {
            return String.format(Locale.ROOT, "neighbour species: %d one-hot channels (species_channels: %s%s)", s, mode.option(), why);
        }
        return String.format(Locale.ROOT, "neighbour species: %d elements compressed into %d %s pseudo-species channels (species_channels: %s%s)",
            s, mixing.length / s, used.option(), mode.option(), why);
    }

    /** The S × S identity: one-hot channels written as a mixing. */
    public static double[] identity(int s) {
        double[] w = new double[s * s];
        for (int a = 0; a < s; a++) w[a * s + a] = 1;
        return w;
    }

    /** Seeded Gaussian mixing, entries N(0, 1)/√d, S × d row-major. */
    public static double[] random(int s, int d, long seed) {
        checkSize(s, d);
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + 0x2545F4914F6CDD1DL);
        double[] w = new double[s * d];
        double f = 1 / Math.sqrt(d);
        for (int k = 0; k < w.length; k++) w[k] = r.nextGaussian() * f;
        return w;
    }

    /**
     * Neighbour co-occurrence C_ab = Σ f_c(r_ij) over the ordered pairs within the cutoff (S × S row-major,
     * symmetric).
     *
     * @throws BadInputException naming the element if an atom is not one of the species
     */
    public static double[] cooccurrence(List<Structure> structures, int[] species, double cutoff, double width) {
        int s = species.length;
        int[] index = new int[Elements.MAX_Z + 1];
        Arrays.fill(index, -1);
        for (int a = 0; a < s; a++) index[species[a]] = a;
        double[] c = new double[s * s];
        for (Structure st : structures) {
            int[] z = st.numbers();
            int[] sp = new int[z.length];
            for (int i = 0; i < z.length; i++) {
                sp[i] = z[i] >= 0 && z[i] < index.length ? index[z[i]] : -1;
                if (sp[i] < 0) throw BadInputException.field("species", "element Z=" + z[i] + " of atom " + i + " is not among the species");
            }
            NeighborList nl = NeighborList.build(st, cutoff);
            int[] off = nl.offsets(), nb = nl.neighbors();
            double[] dist = nl.distances();
            for (int i = 0; i < z.length; i++) {
                for (int p = off[i]; p < off[i + 1]; p++) {
                    if (dist[p] < cutoff) c[sp[i] * s + sp[nb[p]]] += CosineCutoff.value(dist[p], cutoff, width);
                }
            }
        }
        // exact symmetry (the full list has every pair twice; only summation order could differ)
        for (int a = 0; a < s; a++) {
            for (int b = a + 1; b < s; b++) {
                double v = 0.5 * (c[a * s + b] + c[b * s + a]);
                c[a * s + b] = v;
                c[b * s + a] = v;
            }
        }
        return c;
    }

    /** Spectral embedding of the co-occurrence of the training structures (see the class comment), S × d. */
    public static double[] spectral(List<Structure> train, int[] species, double cutoff, double width, int d) {
        return spectral(cooccurrence(train, species, cutoff, width), species.length, d);
    }

    /** Spectral embedding of a co-occurrence matrix C (S × S row-major, symmetric, non-negative), S × d. */
    public static double[] spectral(double[] c, int s, int d) {
        checkSize(s, d);
        double[] deg = new double[s];
        double total = 0;
        for (int a = 0; a < s; a++) {
            for (int b = 0; b < s; b++) deg[a] += c[a * s + b];
            total += deg[a];
        }
        double[] w = new double[s * d];
        if (!(total > 0)) {  // no neighbours at all: the total density only
            for (int a = 0; a < s; a++) w[a * d] = 1;
            return w;
        }
        double[] a = new double[s * s];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                a[i * s + j] = deg[i] > 0 && deg[j] > 0 ? c[i * s + j] / Math.sqrt(deg[i] * deg[j]) : 0;
            }
        }
        double[] vec = new double[s * s];
        double[] val = symmetricEigen(a, s, vec);
        Integer[] order = new Integer[s];
        for (int i = 0; i < s; i++) order[i] = i;
        // largest |λ| first; ties: larger λ first, then the lower index
        Arrays.sort(order, (p, q) -> {
            int cmp = Double.compare(Math.abs(val[q]), Math.abs(val[p]));
            if (cmp != 0) return cmp;
            cmp = Double.compare(val[q], val[p]);
            return cmp != 0 ? cmp : Integer.compare(p, q);
        });
        for (int k = 0; k < d; k++) {
            int e = order[k];
            int big = 0;
            for (int i = 1; i < s; i++) if (Math.abs(vec[i * s + e]) > Math.abs(vec[big * s + e])) big = i;
            double sign = vec[big * s + e] < 0 ? -1 : 1;
            for (int i = 0; i < s; i++) {
                w[i * d + k] = deg[i] > 0 ? sign * vec[i * s + e] * Math.sqrt(total / deg[i]) : (k == 0 ? 1 : 0);
            }
        }
        return w;
    }

    /**
     * Eigen-decomposition of a symmetric n × n matrix by cyclic Jacobi rotations (n is the number of elements, ≤ ~100).
     *
     * @param a   the matrix, row-major (overwritten)
     * @param vec receives the eigenvectors as columns (row-major n × n)
     * @return the eigenvalues, in the order of the columns of {@code vec}
     */
    static double[] symmetricEigen(double[] a, int n, double[] vec) {
        Arrays.fill(vec, 0);
        for (int i = 0; i < n; i++) vec[i * n + i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0, diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i * n + i] * a[i * n + i];
                for (int j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
            }
            if (off <= 1e-30 * diag || off == 0) break;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p * n + q];
                    if (apq == 0) continue;
                    double app = a[p * n + p], aqq = a[q * n + q];
                    double theta = (aqq - app) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double cs = 1 / Math.sqrt(t * t + 1), sn = t * cs;
                    // A ← Jᵀ A J with J the rotation in the (p, q) plane
                    for (int k = 0; k < n; k++) {
                        double akp = a[k * n + p], akq = a[k * n + q];
                        a[k * n + p] = cs * akp - sn * akq;
                        a[k * n + q] = sn * akp + cs * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p * n + k], aqk = a[q * n + k];
                        a[p * n + k] = cs * apk - sn * aqk;
                        a[q * n + k] = sn * apk + cs * aqk;
                    }
                    a[p * n + q] = 0;
                    a[q * n + p] = 0;
                    for (int k = 0; k < n; k++) {
                        double vkp = vec[k * n + p], vkq = vec[k * n + q];
                        vec[k * n + p] = cs * vkp - sn * vkq;
                        vec[k * n + q] = sn * vkp + cs * vkq;
                    }
                }
            }
        }
        double[] val = new double[n];
        for (int i = 0; i < n; i++) val[i] = a[i * n + i];
        return val;
    }

    private static void checkSize(int s, int d) {
        if (s < 1 || d < 1 || d > s) throw new IllegalArgumentException("mixing of " + s + " species into " + d + " channels");
    }
}
