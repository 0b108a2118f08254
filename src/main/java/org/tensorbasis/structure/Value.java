package org.tensorbasis.structure;

import java.util.Arrays;
import java.util.Objects;

/**
 * A typed table of {@code rows × width} values: one per-structure info entry (rows = 1) or one
 * per-atom array (rows = number of atoms). Extended-XYZ column types map onto {@link Kind}:
 * R → REAL, I → INT, L → BOOL, S → STRING. Immutable; accessors copy.
 */
public final class Value {
    /** Element type. */
    public enum Kind { REAL, INT, BOOL, STRING }

    private final Kind kind;
    private final int rows;
    private final int width;
    /** True for an info entry written as a single bare value (not a one-element array). */
    private final boolean scalar;
    private final double[] reals;
    private final long[] ints;
    private final boolean[] bools;
    private final String[] strings;

    private Value(Kind kind, int rows, int width, boolean scalar,
                  double[] reals, long[] ints, boolean[] bools, String[] strings) {
        if (rows < 0 || width < 1) throw new IllegalArgumentException("bad shape " + rows + "x" + width);
        this.kind = kind;
        this.rows = rows;
        this.width = width;
        this.scalar = scalar;
        this.reals = reals;
        this.ints = ints;
        this.bools = bools;
        this.strings = strings;
        int n = rows * width;
        int len = switch (kind) {
            case REAL -> reals.length;
            case INT -> ints.length;
            case BOOL -> bools.length;
            case STRING -> strings.length;
        };
        if (len != n) throw new IllegalArgumentException("data length " + len + " != " + rows + "x" + width);
        if (scalar && n != 1) throw new IllegalArgumentException("a scalar holds one value");
    }

    public static Value ofReals(int rows, int width, double[] data) {
        return new Value(Kind.REAL, rows, width, false, data.clone(), null, null, null);
    }

    public static Value ofInts(int rows, int width, long[] data) {
        return new Value(Kind.INT, rows, width, false, null, data.clone(), null, null);
    }

    public static Value ofBools(int rows, int width, boolean[] data) {
        return new Value(Kind.BOOL, rows, width, false, null, null, data.clone(), null);
    }

    public static Value ofStrings(int rows, int width, String[] data) {
        return new Value(Kind.STRING, rows, width, false, null, null, null, data.clone());
    }

    public static Value scalar(double x) {
        return new Value(Kind.REAL, 1, 1, true, new double[] {x}, null, null, null);
    }

    public static Value scalar(long x) {
        return new Value(Kind.INT, 1, 1, true, null, new long[] {x}, null, null);
    }

    public static Value scalar(boolean x) {
        return new Value(Kind.BOOL, 1, 1, true, null, null, new boolean[] {x}, null);
    }

    public static Value scalar(String x) {
        return new Value(Kind.STRING, 1, 1, true, null, null, null, new String[] {x});
    }

    /** A one-row numeric array such as {@code mu="0.1 0.2 0.3"}. */
    public static Value row(double... data) {
        return ofReals(1, data.length, data);
    }

    public Kind kind() { return kind; }
    public int rows() { return rows; }
    public int width() { return width; }
    public int size() { return rows * width; }
    public boolean isScalar() { return scalar; }
    public boolean isNumeric() { return kind == Kind.REAL || kind == Kind.INT; }

    /** All values as doubles (REAL or INT only), row-major, copied. */
    public double[] toDoubles() {
        if (kind == Kind.REAL) return reals.clone();
        if (kind == Kind.INT) {
            double[] out = new double[ints.length];
            for (int i = 0; i < ints.length; i++) out[i] = ints[i];
            return out;
        }
        throw new IllegalStateException("not numeric: " + kind);
    }

    /** Numeric value at (row, col). */
    public double getDouble(int row, int col) {
        int k = index(row, col);
        if (kind == Kind.REAL) return reals[k];
        if (kind == Kind.INT) return ints[k];
        throw new IllegalStateException("not numeric: " + kind);
    }

    public long getLong(int row, int col) {
        if (kind != Kind.INT) throw new IllegalStateException("not INT: " + kind);
        return ints[index(row, col)];
    }

    public boolean getBool(int row, int col) {
        if (kind != Kind.BOOL) throw new IllegalStateException("not BOOL: " + kind);
        return bools[index(row, col)];
    }

    public String getString(int row, int col) {
        if (kind != Kind.STRING) throw new IllegalStateException("not STRING: " + kind);
        return strings[index(row, col)];
    }

    private int index(int row, int col) {
        Objects.checkIndex(row, rows);
        Objects.checkIndex(col, width);
        return row * width + col;
    }

    /** The rows whose indices are given, in that order (for per-atom arrays of a sub-structure). */
    public Value selectRows(int[] which) {
        int n = which.length;
        switch (kind) {
            case REAL: {
                double[] d = new double[n * width];
                for (int i = 0; i < n; i++) System.arraycopy(reals, which[i] * width, d, i * width, width);
                return new Value(kind, n, width, false, d, null, null, null);
            }
            case INT: {
                long[] d = new long[n * width];
                for (int i = 0; i < n; i++) System.arraycopy(ints, which[i] * width, d, i * width, width);
                return new Value(kind, n, width, false, null, d, null, null);
            }
            case BOOL: {
                boolean[] d = new boolean[n * width];
                for (int i = 0; i < n; i++) System.arraycopy(bools, which[i] * width, d, i * width, width);
                return new Value(kind, n, width, false, null, null, d, null);
            }
            default: {
                String[] d = new String[n * width];
                for (int i = 0; i < n; i++) System.arraycopy(strings, which[i] * width, d, i * width, width);
                return new Value(kind, n, width, false, null, null, null, d);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Value)) return false;
        Value v = (Value) o;
        return kind == v.kind && rows == v.rows && width == v.width && scalar == v.scalar
            && Arrays.equals(reals, v.reals) && Arrays.equals(ints, v.ints)
            && Arrays.equals(bools, v.bools) && Arrays.equals(strings, v.strings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, rows, width, scalar, Arrays.hashCode(reals), Arrays.hashCode(ints),
            Arrays.hashCode(bools), Arrays.hashCode(strings));
    }

    @Override
    public String toString() {
        String shape = scalar ? "scalar" : (rows + "x" + width);
        return "Value[" + kind + " " + shape + "]";
    }
}
