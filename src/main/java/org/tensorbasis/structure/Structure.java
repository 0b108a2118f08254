package org.tensorbasis.structure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable atomic structure: atomic numbers, Cartesian positions (Å), an optional cell with
 * per-axis periodicity, per-structure info (key → {@link Value} with one row) and per-atom arrays
 * (key → {@link Value} with one row per atom), both in insertion order.
 *
 * <p>Positions are stored flat, {@code [x0 y0 z0 x1 ...]}; {@link #positions()} copies, and hot
 * loops should copy once per structure.
 */
public final class Structure {
    private final int[] numbers;
    private final double[] positions;
    private final Cell cell; // null: no cell
    private final Map<String, Value> info;
    private final Map<String, Value> arrays;

    public Structure(int[] numbers, double[] positions, Cell cell,
                     Map<String, Value> info, Map<String, Value> arrays) {
        Objects.requireNonNull(numbers, "numbers");
        Objects.requireNonNull(positions, "positions");
        int n = numbers.length;
        if (positions.length != 3 * n) {
            throw new IllegalArgumentException("positions: expected " + 3 * n + " numbers, got " + positions.length);
        }
        for (int i = 0; i < n; i++) {
            if (numbers[i] < 1 || numbers[i] > Elements.MAX_Z) {
                throw new IllegalArgumentException("atom " + i + ": invalid atomic number " + numbers[i]);
            }
        }
        for (int i = 0; i < positions.length; i++) {
            if (!Double.isFinite(positions[i])) {
                throw new IllegalArgumentException("atom " + i / 3 + ": non-finite position");
            }
        }
        this.numbers = numbers.clone();
        this.positions = positions.clone();
        this.cell = cell;
        this.info = Collections.unmodifiableMap(new LinkedHashMap<>(info == null ? Map.of() : info));
        LinkedHashMap<String, Value> arr = new LinkedHashMap<>(arrays == null ? Map.of() : arrays);
        for (Map.Entry<String, Value> e : arr.entrySet()) {
            if (e.getValue().rows() != n) {
                throw new IllegalArgumentException("per-atom array '" + e.getKey() + "' has "
                    + e.getValue().rows() + " rows for " + n + " atoms");
            }
        }
        this.arrays = Collections.unmodifiableMap(arr);
    }

    /** A structure with no cell, info or arrays. */
    public Structure(int[] numbers, double[] positions) {
        this(numbers, positions, null, null, null);
    }

    public int size() { return numbers.length; }

    /** Atomic numbers (copy). */
    public int[] numbers() { return numbers.clone(); }

    public int number(int atom) { return numbers[atom]; }

    /** Flat positions {@code [x0 y0 z0 x1 ...]} in Å (copy). */
    public double[] positions() { return positions.clone(); }

    /** Component k (0 = x) of atom i's position. */
    public double position(int atom, int k) { return positions[3 * atom + k]; }

    /** The cell, or null when the structure has none. */
    public Cell cell() { return cell; }

    public boolean hasCell() { return cell != null; }

    /** True when some axis is periodic. */
    public boolean isPeriodic() { return cell != null && cell.isAnyPeriodic(); }

    /**
     * The positions relative to the centroid of the atoms, in the spherical (y, z, x) order, into {@code out[off + 3i ..]}:
     * the input of the position elements of per-structure models. A structure periodic in any direction gets zeros: there
     * the centroid of the atoms in one cell is not a property of the crystal (it moves when an atom is wrapped into the
     * cell), so position elements do not take part.
     */
    public void centredPositions(double[] out, int off) {
        int n = numbers.length;
        if (isPeriodic() || n == 0) {
            java.util.Arrays.fill(out, off, off + 3 * n, 0.0);
            return;
        }
        double cx = 0, cy = 0, cz = 0;
        for (int i = 0; i < n; i++) {
            cx += positions[3 * i];
            cy += positions[3 * i + 1];
            cz += positions[3 * i + 2];
        }
        cx /= n;
        cy /= n;
        cz /= n;
        for (int i = 0; i < n; i++) {
            out[off + 3 * i] = positions[3 * i + 1] - cy;
            out[off + 3 * i + 1] = positions[3 * i + 2] - cz;
            out[off + 3 * i + 2] = positions[3 * i] - cx;
        }
    }

    /** Per-structure info, unmodifiable, in file order. */
    public Map<String, Value> info() { return info; }

    /** Per-atom arrays other than species and positions, unmodifiable, in file order. */
    public Map<String, Value> arrays() { return arrays; }

    /** A copy with different positions and cell (info and arrays kept); used for rotations and strains. */
    public Structure withGeometry(double[] newPositions, Cell newCell) {
        return new Structure(numbers, newPositions, newCell, info, arrays);
    }

    /** A copy with extra or replaced info entries. */
    public Structure withInfo(Map<String, Value> extra) {
        LinkedHashMap<String, Value> m = new LinkedHashMap<>(info);
        m.putAll(extra);
        return new Structure(numbers, positions, cell, m, arrays);
    }

    /** A copy with extra or replaced per-atom arrays. */
    public Structure withArrays(Map<String, Value> extra) {
        LinkedHashMap<String, Value> m = new LinkedHashMap<>(arrays);
        m.putAll(extra);
        return new Structure(numbers, positions, cell, info, m);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Structure)) return false;
        Structure s = (Structure) o;
        return java.util.Arrays.equals(numbers, s.numbers) && java.util.Arrays.equals(positions, s.positions)
            && Objects.equals(cell, s.cell) && info.equals(s.info) && arrays.equals(s.arrays);
    }

    @Override
    public int hashCode() {
        return Objects.hash(java.util.Arrays.hashCode(numbers), java.util.Arrays.hashCode(positions), cell, info, arrays);
    }

    @Override
    public String toString() {
        return "Structure[" + numbers.length + " atoms" + (isPeriodic() ? ", periodic" : "") + "]";
    }
}
