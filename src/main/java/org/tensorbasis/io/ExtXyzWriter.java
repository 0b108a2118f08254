package org.tensorbasis.io;

import java.io.BufferedWriter;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;

import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Elements;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

/**
 * Writes structures as extended XYZ the way ASE does, losslessly: comment line
 * {@code Lattice="..." Properties=species:S:1:pos:R:3:... info... pbc="T T T"} (Lattice only when
 * there is a non-zero cell, pbc always last, {@code pbc="F F F"} without a cell), then one line
 * per atom. Doubles are written in Python's {@code repr} form (shortest digits that read back
 * bit-identically, e.g. {@code 0.1}, {@code 1e-05}, {@code nan}), so {@link ExtXyzReader} and ASE
 * read exactly the written values. Info values that ASE's typing would misread (a string that
 * looks like a number, a one-element array, a string array, a table with several rows) are
 * written as ASE's {@code _JSON ...} values; {@code stress} and {@code virial} with 9 numbers (3×3,
 * or one row of 9 read row-major) are written as ASE writes them, 9 numbers in Fortran order, which
 * ASE and {@link ExtXyzReader} read as the 3×3 matrix.
 *
 * <p>Not writable (IllegalArgumentException): a structure without atoms, info keys named
 * Lattice/pbc/Properties, per-atom names that are not plain words or that clash with
 * species/pos/Z, per-atom strings that are empty or contain blanks.
 */
public final class ExtXyzWriter implements AutoCloseable, Flushable {
    private final Writer out;
    private final StringBuilder sb = new StringBuilder(1 << 12);
    private int frames;

    /** Writes to {@code out}; {@link #close()} closes it. */
    public ExtXyzWriter(Writer out) {
        Objects.requireNonNull(out, "out");
        this.out = out instanceof BufferedWriter ? out : new BufferedWriter(out, 1 << 16);
    }

    /** Creates or truncates {@code path} (not atomic; see {@link #writeAll}). */
    public ExtXyzWriter(Path path) throws IOException {
        this(new OutputStreamWriter(Files.newOutputStream(path), StandardCharsets.UTF_8));
    }

    /**
     * Writes all structures to {@code path} through a temporary file in the same folder, renamed
     * into place only when everything was written: a failure never leaves a half-written output.
     */
    public static void writeAll(Path path, Iterable<Structure> structures) throws IOException {
        AtomicFiles.write(path, body(structures));
    }

    /** The frames as a body for {@link AtomicFiles} or {@link OutputSet}. */
    public static AtomicFiles.Body body(Iterable<Structure> structures) {
        return out -> {
            ExtXyzWriter w = new ExtXyzWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            for (Structure s : structures) w.write(s);
            w.flush();
        };
    }

    /** Number of frames written so far. */
    public int framesWritten() { return frames; }

    /** Python {@code repr} of a double; reads back bit-identically (see class comment). */
    public static String formatDouble(double x) {
        return ExtXyzSyntax.formatDouble(x);
    }

    /** Appends one frame. */
    public void write(Structure s) throws IOException {
        int n = s.size();
        if (n == 0) throw new IllegalArgumentException("cannot write a structure without atoms (extended XYZ readers reject it)");
        sb.setLength(0);
        sb.append(n).append('\n');
        comment(s);
        sb.append('\n');
        out.append(sb);
        Value[] cols = s.arrays().values().toArray(new Value[0]);
        for (int i = 0; i < n; i++) {
            sb.setLength(0);
            String sym = Elements.symbol(s.number(i));
            sb.append(sym);
            if (sym.length() == 1) sb.append(' ');
            for (int k = 0; k < 3; k++) padded(ExtXyzSyntax.formatDouble(s.position(i, k)), 22);
            for (Value v : cols) {
                for (int k = 0; k < v.width(); k++) {
                    switch (v.kind()) {
                        case REAL: padded(ExtXyzSyntax.formatDouble(v.getDouble(i, k)), 22); break;
                        case INT: padded(Long.toString(v.getLong(i, k)), 8); break;
                        case BOOL: sb.append(v.getBool(i, k) ? " T" : " F"); break;
                        default: sb.append(' ').append(v.getString(i, k));
                    }
                }
            }
            sb.append('\n');
            out.append(sb);
        }
        frames++;
    }

    private void padded(String t, int width) {
        sb.append(' ');
        for (int k = t.length(); k < width; k++) sb.append(' ');
        sb.append(t);
    }

    private void comment(Structure s) {
        Cell cell = s.cell();
        boolean[] pbc = cell == null ? new boolean[3] : cell.pbc();
        if (cell != null && !allZero(cell)) {
            sb.append("Lattice=\"");
            for (int k = 0; k < 9; k++) {
                if (k > 0) sb.append(' ');
                sb.append(ExtXyzSyntax.formatDouble(cell.vector(k / 3, k % 3)));
            }
            sb.append("\" ");
        }
        sb.append("Properties=species:S:1:pos:R:3");
        for (Map.Entry<String, Value> e : s.arrays().entrySet()) {
            String name = e.getKey();
            Value v = e.getValue();
            checkArray(name, v);
            char t = switch (v.kind()) { case REAL -> 'R'; case INT -> 'I'; case BOOL -> 'L'; case STRING -> 'S'; };
            sb.append(':').append(name).append(':').append(t).append(':').append(v.width());
        }
        for (Map.Entry<String, Value> e : s.info().entrySet()) {
            String key = e.getKey();
            if (key.isEmpty() || key.indexOf('\n') >= 0 || key.indexOf('\r') >= 0 || key.equals("Lattice") || key.equals("pbc") || key.equals("Properties")) {
                throw new IllegalArgumentException("info key '" + key + "' cannot be written (reserved or empty)");
            }
            sb.append(' ').append(ExtXyzSyntax.quote(key)).append('=').append(ExtXyzSyntax.quote(infoText(key, e.getValue())));
        }
        sb.append(" pbc=\"").append(pbc[0] ? 'T' : 'F').append(' ').append(pbc[1] ? 'T' : 'F')
            .append(' ').append(pbc[2] ? 'T' : 'F').append('"');
    }

    private static boolean allZero(Cell c) {
        for (int k = 0; k < 9; k++) if (c.vector(k / 3, k % 3) != 0.0) return false;
        return true;
    }

    private static void checkArray(String name, Value v) {
        if (name.equals("species") || name.equals("pos") || name.equals("Z")) {
            throw new IllegalArgumentException("per-atom array name '" + name + "' clashes with species/pos/Z");
        }
        if (name.isEmpty()) throw new IllegalArgumentException("empty per-atom array name");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ':' || c <= ' ' || c == '"' || c == '\'' || c == '\\' || c == '{' || c == '}' || c == '[' || c == ']' || c == '=') {
                throw new IllegalArgumentException("per-atom array name '" + name + "' must be a plain word");
            }
        }
        if (v.kind() == Value.Kind.STRING) {
            for (int r = 0; r < v.rows(); r++) {
                for (int k = 0; k < v.width(); k++) {
                    String t = v.getString(r, k);
                    boolean bad = t.isEmpty();
                    for (int i = 0; i < t.length() && !bad; i++) bad = t.charAt(i) <= ' ' || Character.isWhitespace(t.charAt(i));
                    if (bad) throw new IllegalArgumentException("per-atom string '" + t + "' of '" + name + "' is empty or has blanks");
                }
            }
        }
    }

    /** Unquoted text of an info value; uses ASE's "_JSON " form when plain text would read back differently. */
    static String infoText(String key, Value v) {
        if (v.rows() < 1) throw new IllegalArgumentException("info '" + key + "' has no rows");
        if (ExtXyzSyntax.isSpecial3x3(key) && v.isNumeric() && v.size() == 9 && (v.rows() == 3 || v.rows() == 1)) {
            // ASE reads stress / virial only as 9 numbers in Fortran order (and rejects _JSON for them)
            StringBuilder t = new StringBuilder();
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < 3; i++) {
                    int k = 3 * i + j;
                    if (t.length() > 0) t.append(' ');
                    if (v.kind() == Value.Kind.INT) t.append(v.getLong(k / v.width(), k % v.width()));
                    else t.append(ExtXyzSyntax.formatDouble(v.getDouble(k / v.width(), k % v.width())));
                }
            }
            return t.toString();
        }
        boolean plainOk = v.isScalar() || (v.rows() == 1 && v.width() > 1 && v.kind() != Value.Kind.STRING);
        if (plainOk && v.kind() == Value.Kind.STRING) {
            // ASE reads key="" as an empty array, and a line break would end the comment line
            String t = v.getString(0, 0);
            plainOk = !t.isEmpty() && t.indexOf('\n') < 0 && t.indexOf('\r') < 0;
        }
        if (plainOk) {
            String plain = plainText(v);
            try {
                if (ExtXyzSyntax.inferInfo(key, plain).equals(v)) return plain;
            } catch (ExtXyzSyntax.SyntaxError e) {
                // fall through to JSON
            }
        }
        return "_JSON " + ExtXyzSyntax.Json.of(v);
    }

    private static String plainText(Value v) {
        if (v.kind() == Value.Kind.STRING) return v.getString(0, 0);
        StringBuilder t = new StringBuilder();
        for (int k = 0; k < v.width(); k++) {
            if (k > 0) t.append(' ');
            switch (v.kind()) {
                case REAL: t.append(ExtXyzSyntax.formatDouble(v.getDouble(0, k))); break;
                case INT: t.append(v.getLong(0, k)); break;
                default: t.append(v.getBool(0, k) ? 'T' : 'F');
            }
        }
        return t.toString();
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
