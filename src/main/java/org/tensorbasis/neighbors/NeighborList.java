package org.tensorbasis.neighbors;

import java.util.Arrays;
import java.util.Objects;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;

/**
 * A full neighbour list (both i→j and j→i) within a cutoff, in CSR form over centres, built with a
 * cell list. Works for molecules (no cell, or no periodic axis) and for periodic cells of any shape
 * with per-axis periodicity, including cells smaller than the cutoff and slabs or wires whose
 * non-periodic lattice vectors are zero (positions along non-periodic axes may be anywhere).
 *
 * <p>Layout (see {@code docs/architecture.md}): the pairs of centre {@code i} are
 * {@code p = offsets()[i] .. offsets()[i+1]-1}; for each pair {@code neighbors()[p]} is the index
 * {@code j}, {@code shifts()[3p..3p+2]} the integer cell shift {@code S = (n1, n2, n3)} multiplying
 * the lattice vectors a1, a2, a3, {@code vectors()[3p..3p+2] = r_j + S·cell − r_i} computed from the
 * positions as given (not wrapped), and {@code distances()[p]} its length.
 *
 * <p>Contract: a pair is present iff {@code distance < cutoff} (strict), except that
 * {@code (i, i, S = 0)} is never present; an atom's own periodic images ({@code j = i, S ≠ 0}) are
 * present, as are all images of a neighbour when the cell is smaller than the cutoff; shifts are
 * zero along non-periodic axes. Every {@code (i, j, S)} has its partner {@code (j, i, −S)}. Within a
 * centre, pairs are sorted by {@code j}, then by {@code S} lexicographically, so the list does not
 * depend on the binning.
 *
 * <p>The accessors return the internal arrays without copying, for hot loops: treat them as
 * read-only. Instances are immutable if nobody writes into those arrays; {@link #build} is a pure
 * function and may be called from several threads at once.
 */
public final class NeighborList {
    private final int atoms;
    private final double cutoff;
    private final int[] offsets;
    private final int[] neighbors;
    private final int[] shifts;
    private final double[] vectors;
    private final double[] distances;

    private NeighborList(int atoms, double cutoff, int[] offsets, int[] neighbors, int[] shifts,
                         double[] vectors, double[] distances) {
        this.atoms = atoms;
        this.cutoff = cutoff;
        this.offsets = offsets;
        this.neighbors = neighbors;
        this.shifts = shifts;
        this.vectors = vectors;
        this.distances = distances;
    }

    /**
     * Builds the full neighbour list of a structure (its cell and per-axis periodicity, if any).
     *
     * @throws IllegalArgumentException if the cutoff is not positive and finite, or if it is so
     *     large compared with the cell that the periodic images cannot be enumerated
     */
    public static NeighborList build(Structure s, double cutoff) {
        Objects.requireNonNull(s, "structure");
        checkCutoff(cutoff);
        return CellListBuilder.build(s.positions(), s.cell(), cutoff);
    }

    /**
     * Builds the full neighbour list from flat positions {@code [x0 y0 z0 x1 ...]} (Å) and an
     * optional cell; a null cell or one without periodic axis means a molecule. Positions need not
     * be wrapped into the cell. The array is not modified nor kept.
     *
     * @throws IllegalArgumentException if the cutoff is not positive and finite, if the positions
     *     are not a multiple of 3 long or not finite, or if the cutoff is so large compared with the
     *     cell that the periodic images cannot be enumerated
     */
    public static NeighborList build(double[] positions, Cell cellOrNull, double cutoff) {
        Objects.requireNonNull(positions, "positions");
        checkCutoff(cutoff);
        if (positions.length % 3 != 0) {
            throw new IllegalArgumentException("positions: length " + positions.length + " is not a multiple of 3");
        }
        for (int k = 0; k < positions.length; k++) {
            if (!Double.isFinite(positions[k])) {
                throw new IllegalArgumentException("positions: atom " + k / 3 + " has a non-finite coordinate");
            }
        }
        return CellListBuilder.build(positions, cellOrNull, cutoff);
    }

    private static void checkCutoff(double cutoff) {
        if (!(cutoff > 0) || !Double.isFinite(cutoff)) {
            throw new IllegalArgumentException("neighbour cutoff must be positive and finite, got " + cutoff);
        }
    }

    /** Package-private factory used by the builder (arrays already trimmed to their exact length). */
    static NeighborList of(int atoms, double cutoff, int[] offsets, int[] neighbors, int[] shifts,
                           double[] vectors, double[] distances) {
        return new NeighborList(atoms, cutoff, offsets, neighbors, shifts, vectors, distances);
    }

    /** Number of atoms (centres). */
    public int atoms() { return atoms; }

    /** Number of (directed) pairs; each unordered pair appears twice. */
    public int pairs() { return neighbors.length; }

    /** The cutoff the list was built with, Å. */
    public double cutoff() { return cutoff; }

    /** CSR offsets, length {@code atoms() + 1}; internal array, read-only. */
    public int[] offsets() { return offsets; }

    /** Neighbour index j of each pair, length {@code pairs()}; internal array, read-only. */
    public int[] neighbors() { return neighbors; }

    /** Integer cell shift of each pair, 3 per pair; internal array, read-only. */
    public int[] shifts() { return shifts; }

    /** {@code r_j + S·cell − r_i} of each pair, 3 per pair, Å; internal array, read-only. */
    public double[] vectors() { return vectors; }

    /** Length of each pair's vector, Å; internal array, read-only. */
    public double[] distances() { return distances; }

    /** Number of neighbours of centre i. */
    public int count(int i) { return offsets[i + 1] - offsets[i]; }

    @Override
    public String toString() {
        return "NeighborList[" + atoms + " atoms, " + pairs() + " pairs, cutoff " + cutoff + "]";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NeighborList)) return false;
        NeighborList n = (NeighborList) o;
        return atoms == n.atoms && Double.compare(cutoff, n.cutoff) == 0 && Arrays.equals(offsets, n.offsets)
            && Arrays.equals(neighbors, n.neighbors) && Arrays.equals(shifts, n.shifts)
            && Arrays.equals(vectors, n.vectors) && Arrays.equals(distances, n.distances);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(neighbors) + Arrays.hashCode(shifts);
    }
}
