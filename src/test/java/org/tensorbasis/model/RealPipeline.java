package org.tensorbasis.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.descriptors.PowerSpectrumForm;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;

/**
 * Test helper: the real pipeline structure → neighbour list → spherical expansion / feature cache →
 * {@link AtomBatch} (assembled by {@link CacheBatches}, as training and prediction do), plus structures built in code and
 * geometric transformations (rotations of positions and lattice vectors, permutations, translations).
 */
final class RealPipeline {
    private RealPipeline() {}

    /** Shared data folder relative to the project directory (Maven's working directory). */
    static Path data(String folder, String file) {
        return Path.of("..", "shared", "data", folder, file);
    }

    /** The first {@code n} frames of a shared data file, or an empty list when it is absent. */
    static List<Structure> firstFrames(Path file, int n) throws IOException {
        if (!Files.isRegularFile(file)) return List.of();
        List<Structure> out = new ArrayList<>();
        try (ExtXyzReader r = new ExtXyzReader(file)) {
            while (r.hasNext() && out.size() < n) out.add(r.next());
        }
        return out;
    }

    static SphericalExpansion expansion(int maxAngular, int... species) {
        DescriptorSettings s = new DescriptorSettings(DescriptorSettings.DEFAULT_CUTOFF, DescriptorSettings.DEFAULT_WIDTH,
            DescriptorSettings.DEFAULT_MAX_RADIAL, maxAngular, species, PowerSpectrumForm.UNIQUE_PAIRS);
        return new SphericalExpansion(s);
    }

    static int[] kPerL(SphericalExpansion calc) {
        int[] k = new int[calc.maxAngular() + 1];
        for (int l = 0; l <= calc.maxAngular(); l++) k[l] = calc.blockSize(l) / (2 * l + 1);
        return k;
    }

    /** Features of the structures (expansion orders 1..maxAngular kept) assembled into one batch, with the centred positions. */
    static AtomBatch batch(List<Structure> structures, SphericalExpansion calc) {
        int[] orders = new int[calc.maxAngular()];
        for (int l = 1; l <= calc.maxAngular(); l++) orders[l - 1] = l;
        FeatureCache cache = FeatureCache.compute(structures, calc, orders, FeatureCache.Storage.FLOAT64, 1);
        int[] kPerL = kPerL(calc);
        int[] all = new int[structures.size()];
        for (int s = 0; s < all.length; s++) all[s] = s;
        return CacheBatches.assemble(cache, all, structures, orders, kPerL, true, new CacheBatches.Buffer());
    }

    /** The same batch with its feature rows copied into one flat array. */
    static AtomBatch flat(AtomBatch b) {
        int f = b.nFeatures();
        double[] x = new double[b.atoms() * f];
        for (int i = 0; i < b.atoms(); i++) System.arraycopy(b.rowArray(i), b.rowOffset(i), x, i * f, f);
        double[][] exp = new double[SphericalExpansion.MAX_EXPANSION_L + 1][];
        for (int l = 0; l < exp.length; l++) exp[l] = b.expansion(l);
        int[] kPerL = new int[exp.length];
        for (int l = 0; l < exp.length; l++) kPerL[l] = b.k(l);
        return new AtomBatch(f, x, b.numbers(), b.structureOf(), b.structures(), exp, kPerL).withPositions(b.positions());
    }

    /** Q applied to positions and (for a cell) to the lattice vectors. */
    static Structure transform(Structure s, double[] q) {
        Cell c = s.cell();
        Cell nc = c == null ? null : new Cell(Rotations.apply(q, c.vectors()), c.pbc());
        return s.withGeometry(Rotations.apply(q, s.positions()), nc);
    }

    static Structure translate(Structure s, double dx, double dy, double dz) {
        double[] p = s.positions();
        for (int i = 0; i < p.length; i += 3) {
            p[i] += dx;
            p[i + 1] += dy;
            p[i + 2] += dz;
        }
        return s.withGeometry(p, s.cell());
    }

    /** Atom {@code perm[k]} of s becomes atom k. */
    static Structure permute(Structure s, int[] perm) {
        int n = s.size();
        int[] z = new int[n];
        double[] p = new double[3 * n];
        double[] old = s.positions();
        for (int k = 0; k < n; k++) {
            z[k] = s.number(perm[k]);
            System.arraycopy(old, 3 * perm[k], p, 3 * k, 3);
        }
        return new Structure(z, p, s.cell(), null, null);
    }

    static int[] randomPermutation(SplittableRandom rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /**
     * A non-planar molecule of the given species: atoms placed one by one at random, each 0.9–1.6 Å
     * from a random earlier atom and at least 0.9 Å from all others (a connected, generic geometry).
     */
    static Structure randomMolecule(SplittableRandom rng, int[] numbers) {
        int n = numbers.length;
        double[] p = new double[3 * n];
        for (int i = 1; i < n; i++) {
            while (true) {
                int j = rng.nextInt(i);
                double ux = rng.nextGaussian(), uy = rng.nextGaussian(), uz = rng.nextGaussian();
                double norm = Math.sqrt(ux * ux + uy * uy + uz * uz);
                double d = 0.9 + 0.7 * rng.nextDouble();
                double x = p[3 * j] + d * ux / norm, y = p[3 * j + 1] + d * uy / norm, z = p[3 * j + 2] + d * uz / norm;
                boolean ok = true;
                for (int k = 0; k < i && ok; k++) {
                    double ex = x - p[3 * k], ey = y - p[3 * k + 1], ez = z - p[3 * k + 2];
                    ok = ex * ex + ey * ey + ez * ez >= 0.81;
                }
                if (ok) {
                    p[3 * i] = x;
                    p[3 * i + 1] = y;
                    p[3 * i + 2] = z;
                    break;
                }
            }
        }
        return new Structure(numbers, p);
    }

    /**
     * A small triclinic periodic cell (lattice vectors of 3.6–4.4 Å, shorter than twice the cutoff, so
     * atoms see their own images) with random fractional positions at least 0.9 Å apart.
     */
    static Structure randomTriclinicCell(SplittableRandom rng, int[] numbers) {
        double[] cell = {
            4.1, 0.0, 0.0,
            0.7, 3.8, 0.0,
            -0.5, 0.9, 4.3};
        for (int i = 0; i < 9; i++) cell[i] += 0.1 * rng.nextGaussian();
        int n = numbers.length;
        double[] p = new double[3 * n];
        for (int i = 0; i < n; i++) {
            while (true) {
                double a = rng.nextDouble(), b = rng.nextDouble(), c = rng.nextDouble();
                double x = a * cell[0] + b * cell[3] + c * cell[6];
                double y = a * cell[1] + b * cell[4] + c * cell[7];
                double z = a * cell[2] + b * cell[5] + c * cell[8];
                boolean ok = true;
                // minimum image over the 27 neighbouring cells
                for (int k = 0; k < i && ok; k++) {
                    for (int s0 = -1; s0 <= 1 && ok; s0++) {
                        for (int s1 = -1; s1 <= 1 && ok; s1++) {
                            for (int s2 = -1; s2 <= 1 && ok; s2++) {
                                double ex = x - p[3 * k] + s0 * cell[0] + s1 * cell[3] + s2 * cell[6];
                                double ey = y - p[3 * k + 1] + s0 * cell[1] + s1 * cell[4] + s2 * cell[7];
                                double ez = z - p[3 * k + 2] + s0 * cell[2] + s1 * cell[5] + s2 * cell[8];
                                ok = ex * ex + ey * ey + ez * ez >= 0.81;
                            }
                        }
                    }
                }
                if (ok) {
                    p[3 * i] = x;
                    p[3 * i + 1] = y;
                    p[3 * i + 2] = z;
                    break;
                }
            }
        }
        return new Structure(numbers, p, Cell.periodic(cell), null, null);
    }

    /** Distinct atomic numbers of the structures, sorted. */
    static int[] species(List<Structure> structures) {
        return structures.stream().flatMapToInt(s -> Arrays.stream(s.numbers())).distinct().sorted().toArray();
    }
}
