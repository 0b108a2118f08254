package org.tensorbasis.io;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.tensorbasis.BadInputException;
import org.tensorbasis.io.ExtXyzSyntax.Pair;
import org.tensorbasis.io.ExtXyzSyntax.SyntaxError;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Elements;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

/**
 * Streaming reader of extended XYZ files as ASE writes and reads them, one frame at a time (only
 * the current frame is held in memory).
 *
 * <p>Comment line: {@code key=value} pairs with ASE's quoting ({@code "..."}, {@code '...'},
 * {@code {...}}, {@code [...]}, backslash escapes); a bare key is BOOL true; values are typed like
 * ASE (integers → INT, numbers → REAL, T/F/True/False → BOOL, one token → scalar, several → one
 * row, {@code _JSON ...} → parsed JSON, else a STRING scalar). {@code Lattice} (9 numbers, lattice
 * vectors row by row) gives the {@link Cell}; {@code pbc} its per-axis periodicity (a Lattice with
 * no pbc key is periodic on all axes); {@code Properties=name:T:n:...} (T in S/R/I/L) describes
 * the atom columns, default {@code species:S:1:pos:R:3}. Atomic species come from
 * {@code species:S:1} (case-sensitive symbols) or {@code Z:I:1}; columns other than species, Z
 * and pos go to {@link Structure#arrays()} in file order, other keys to {@link Structure#info()}.
 *
 * <p>Quirks of real files, each reported once per reader through the warning sink: an all-zero
 * {@code Lattice} means no cell; a periodic {@code pbc} without {@code Lattice} is read as
 * non-periodic.
 *
 * <p>Bad input throws {@link BadInputException} naming the file, the 0-based frame, the 1-based
 * line and the field. I/O errors surface as {@link UncheckedIOException} from {@link #hasNext()}
 * and {@link #next()}.
 */
public final class ExtXyzReader implements Iterator<Structure>, AutoCloseable {
    /** Default Properties when a frame has none (as in ASE). */
    public static final String DEFAULT_PROPERTIES = "species:S:1:pos:R:3";

    private static final int BUFFER = 1 << 16;

    /**
     * Longest line accepted (characters): far above any real frame (a comment line with a few thousand
     * numbers is ~100 kB), far below what could exhaust the heap.
     */
    public static final int MAX_LINE = 16 << 20;

    /** Kinds of tolerated quirks; each one is warned about once per reader. */
    private enum Quirk { ZERO_LATTICE, PBC_WITHOUT_LATTICE }

    private final LineReader in;
    /** Upper bound on atoms per frame from the file size (a frame needs at least one short line per atom); Long.MAX_VALUE for streams. */
    private final long maxAtoms;
    private final String file;
    private final Consumer<String> warnings;
    private final EnumSet<Quirk> warned = EnumSet.noneOf(Quirk.class);
    private long lineNo;       // number of the last line read (1-based)
    private int frame;         // index of the next frame
    private String countLine;  // peeked atom-count line, or null
    private long countLineNo;
    private boolean done;
    private boolean closed;

    // Properties string of the previous frame and its parsed form (files usually repeat it)
    private String lastPropertiesText;
    private Column[] lastColumns;

    /** Reads {@code path}, warnings to standard error. */
    public ExtXyzReader(Path path) throws IOException {
        this(path, ExtXyzReader::stderr);
    }

    /** Reads {@code path}, sending quirk warnings (one per kind) to {@code warnings}. */
    public ExtXyzReader(Path path, Consumer<String> warnings) throws IOException {
        this(new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8), path.toString(), warnings, Files.size(path) / 6 + 1);
    }

    /** Reads from {@code reader}; {@code displayName} names it in messages. The reader is closed by {@link #close()}. */
    public ExtXyzReader(Reader reader, String displayName) {
        this(reader, displayName, ExtXyzReader::stderr);
    }

    /** Reads from {@code reader} with a warning sink. */
    public ExtXyzReader(Reader reader, String displayName, Consumer<String> warnings) {
        this(reader, displayName, warnings, Long.MAX_VALUE);
    }

    private ExtXyzReader(Reader reader, String displayName, Consumer<String> warnings, long maxAtoms) {
        Objects.requireNonNull(reader, "reader");
        this.in = new LineReader(reader, BUFFER, MAX_LINE);
        this.file = displayName;
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.maxAtoms = maxAtoms;
    }

    /** The next line, or null at the end; a line over {@link #MAX_LINE} characters is an error naming its number. */
    private String readLine() throws IOException {
        try {
            return in.readLine();
        } catch (LineReader.LineTooLongException e) {
            throw BadInputException.at(file, frame, lineNo + 1, null, "line " + (lineNo + 1) + " is longer than " + e.limit()
                + " characters: not an extended-XYZ file (binary data, or no line breaks?)");
        }
    }

    private static void stderr(String message) {
        System.err.println("warning: " + message);
    }

    /** Reads every frame of {@code path} (warnings to standard error). */
    public static List<Structure> readAll(Path path) throws IOException {
        return readAll(path, ExtXyzReader::stderr);
    }

    /** Reads every frame of {@code path}. */
    public static List<Structure> readAll(Path path, Consumer<String> warnings) throws IOException {
        List<Structure> out = new ArrayList<>();
        try (ExtXyzReader r = new ExtXyzReader(path, warnings)) {
            while (r.hasNext()) out.add(r.next());
        }
        return out;
    }

    /** Calls {@code action} on each frame of {@code path} in order, holding one frame at a time. */
    public static void forEach(Path path, Consumer<Structure> action) throws IOException {
        try (ExtXyzReader r = new ExtXyzReader(path)) {
            while (r.hasNext()) action.accept(r.next());
        }
    }

    /** {@link #stream(Path, Consumer)} with warnings to standard error. */
    public static Stream<Structure> stream(Path path) throws IOException {
        return stream(path, ExtXyzReader::stderr);
    }

    /**
     * A sequential lazy stream of the frames of {@code path}; close the stream (try-with-resources)
     * to close the file.
     */
    public static Stream<Structure> stream(Path path, Consumer<String> warnings) throws IOException {
        ExtXyzReader r = new ExtXyzReader(path, warnings);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(r, Spliterator.ORDERED | Spliterator.NONNULL), false)
            .onClose(r::close);
    }

    /** Number of frames returned so far. */
    public int framesRead() { return frame; }

    /** The display name used in messages. */
    public String fileName() { return file; }

    /** True if another frame follows. Throws BadInputException for an empty file or a blank line between frames. */
    @Override
    public boolean hasNext() {
        if (done) return false;
        if (countLine != null) return true;
        try {
            String line = readLine();
            if (line != null) lineNo++;
            // skip blank lines only if nothing but blanks follows (a trailing newline or two)
            long firstBlank = -1;
            while (line != null && line.isBlank()) {
                if (firstBlank < 0) firstBlank = lineNo;
                line = readLine();
                if (line != null) lineNo++;
            }
            if (line == null) {
                done = true;
                if (frame == 0) {
                    throw BadInputException.at(file, 0, firstBlank < 0 ? 1 : firstBlank, "atom count", "empty file: no frame");
                }
                return false;
            }
            if (firstBlank >= 0) {
                done = true;
                throw BadInputException.at(file, frame, firstBlank, "atom count",
                    "blank line where the atom-count line of a frame was expected");
            }
            countLine = line;
            countLineNo = lineNo;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Reads the next frame; after a BadInputException the reader is finished ({@link #hasNext()} is false). */
    @Override
    public Structure next() {
        if (!hasNext()) throw new NoSuchElementException("no more frames in " + file);
        String header = countLine;
        countLine = null;
        try {
            Structure s = readFrame(header);
            frame++;
            return s;
        } catch (IOException e) {
            done = true;
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            done = true; // the stream is mid-frame: never resynchronise on garbage
            throw e;
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        done = true;
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ one frame

    /** One group of atom columns from Properties. */
    private static final class Column {
        final String name;
        final char type; // S R I L
        final int width;
        final int role;  // ROLE_*

        Column(String name, char type, int width, int role) {
            this.name = name;
            this.type = type;
            this.width = width;
            this.role = role;
        }
    }

    private static final int ROLE_ARRAY = 0, ROLE_SPECIES = 1, ROLE_Z = 2, ROLE_POS = 3;

    private BadInputException bad(long line, String field, String message) {
        return BadInputException.at(file, frame, line, field, message);
    }

    private Structure readFrame(String header) throws IOException {
        int n = parseCount(header);
        String comment = readLine();
        if (comment == null) {
            throw bad(countLineNo + 1, "comment line", "truncated frame: end of file before the comment line (" + n + " atoms announced)");
        }
        lineNo++;
        long commentLine = lineNo;

        // ---- comment line
        List<Pair> pairs;
        try {
            pairs = ExtXyzSyntax.splitPairs(comment);
        } catch (SyntaxError e) {
            throw bad(commentLine, "comment line", e.getMessage());
        }
        String latticeText = null, pbcText = null, propertiesText = null;
        boolean hasLattice = false, hasPbc = false;
        Map<String, Value> info = new LinkedHashMap<>();
        Map<String, Boolean> seen = new java.util.HashMap<>();
        for (Pair p : pairs) {
            if (seen.put(p.key(), Boolean.TRUE) != null) {
                throw bad(commentLine, p.key(), "duplicate key '" + p.key() + "' in the comment line");
            }
            switch (p.key()) {
                case "Lattice": hasLattice = true; latticeText = p.value(); break;
                case "pbc": hasPbc = true; pbcText = p.value(); break;
                case "Properties":
                    if (p.value() == null) throw bad(commentLine, "Properties", "Properties has no value");
                    propertiesText = p.value();
                    break;
                default:
                    try {
                        info.put(p.key(), ExtXyzSyntax.inferInfo(p.key(), p.value()));
                    } catch (SyntaxError e) {
                        throw bad(commentLine, p.key(), e.getMessage());
                    }
            }
        }
        Cell cell = parseCell(hasLattice, latticeText, hasPbc, pbcText, commentLine);
        Column[] columns = parseProperties(propertiesText == null ? DEFAULT_PROPERTIES : propertiesText, commentLine);

        // ---- storage for this frame
        int[] numbers = new int[n];
        double[] positions = new double[3 * n];
        int totalWidth = 0;
        Object[] store = new Object[columns.length];
        Column speciesCol = null, zCol = null;
        for (int c = 0; c < columns.length; c++) {
            Column col = columns[c];
            totalWidth += col.width;
            if (col.role == ROLE_SPECIES) speciesCol = col;
            if (col.role == ROLE_Z) zCol = col;
            if (col.role != ROLE_ARRAY) continue;
            int len = n * col.width;
            switch (col.type) {
                case 'R': store[c] = new double[len]; break;
                case 'I': store[c] = new long[len]; break;
                case 'L': store[c] = new boolean[len]; break;
                default: store[c] = new String[len]; break;
            }
        }
        int[] zFromColumn = (speciesCol != null && zCol != null) ? new int[n] : null;

        // ---- atom lines: hand tokenised, numbers parsed in place
        for (int i = 0; i < n; i++) {
            String line = readLine();
            if (line == null) {
                throw bad(lineNo + 1, columns[0].name, "truncated frame: end of file after " + i + " of " + n + " atom lines");
            }
            lineNo++;
            int len = line.length();
            int pos = 0;
            int tokens = 0;
            for (int c = 0; c < columns.length; c++) {
                Column col = columns[c];
                for (int k = 0; k < col.width; k++) {
                    while (pos < len && line.charAt(pos) <= ' ') pos++;
                    if (pos >= len) throw columnCountError(line, tokens, totalWidth, col.name, propertiesText, i, n);
                    int start = pos;
                    while (pos < len && line.charAt(pos) > ' ') pos++;
                    tokens++;
                    switch (col.role) {
                        case ROLE_SPECIES: {
                            int z = atomicNumber(line, start, pos);
                            if (z < 0) {
                                checkLoneCount(line, i, n);
                                throw bad(lineNo, col.name, "unknown element symbol '" + line.substring(start, pos) + "' (atom " + i + ")");
                            }
                            numbers[i] = z;
                            break;
                        }
                        case ROLE_Z: {
                            long z = parseLongToken(line, start, pos, col.name, i);
                            if (z < 1 || z > Elements.MAX_Z) {
                                throw bad(lineNo, col.name, "atomic number " + z + " out of range 1.." + Elements.MAX_Z + " (atom " + i + ")");
                            }
                            if (zFromColumn != null) zFromColumn[i] = (int) z;
                            else numbers[i] = (int) z;
                            break;
                        }
                        case ROLE_POS: {
                            double x = ExtXyzSyntax.parseDouble(line, start, pos);
                            if (ExtXyzSyntax.failed(x)) throw notANumber(line, start, pos, col.name, i, k);
                            if (!Double.isFinite(x)) {
                                throw bad(lineNo, col.name, "non-finite position '" + line.substring(start, pos) + "' (atom " + i + ")");
                            }
                            positions[3 * i + k] = x;
                            break;
                        }
                        default: {
                            int idx = i * col.width + k;
                            switch (col.type) {
                                case 'R': {
                                    double x = ExtXyzSyntax.parseDouble(line, start, pos);
                                    if (ExtXyzSyntax.failed(x)) throw notANumber(line, start, pos, col.name, i, k);
                                    ((double[]) store[c])[idx] = x;
                                    break;
                                }
                                case 'I':
                                    ((long[]) store[c])[idx] = parseLongToken(line, start, pos, col.name, i);
                                    break;
                                case 'L': {
                                    Boolean b = parseBoolToken(line, start, pos);
                                    if (b == null) {
                                        throw bad(lineNo, col.name, "not a logical (T/F/True/False): '" + line.substring(start, pos) + "' (atom " + i + ")");
                                    }
                                    ((boolean[]) store[c])[idx] = b;
                                    break;
                                }
                                default:
                                    ((String[]) store[c])[idx] = line.substring(start, pos);
                            }
                        }
                    }
                }
            }
            while (pos < len && line.charAt(pos) <= ' ') pos++;
            if (pos < len) {
                int extra = 0;
                while (pos < len) {
                    while (pos < len && line.charAt(pos) > ' ') pos++;
                    extra++;
                    while (pos < len && line.charAt(pos) <= ' ') pos++;
                }
                throw bad(lineNo, "Properties", "atom line has " + (totalWidth + extra) + " columns but Properties ("
                    + (propertiesText == null ? DEFAULT_PROPERTIES : propertiesText) + ") declare " + totalWidth);
            }
        }
        if (zFromColumn != null) {
            for (int i = 0; i < n; i++) {
                if (zFromColumn[i] != numbers[i]) {
                    throw bad(commentLine + 1 + i, zCol.name, "atomic number " + zFromColumn[i] + " contradicts species "
                        + Elements.symbol(numbers[i]) + " (atom " + i + ")");
                }
            }
        }

        Map<String, Value> arrays = new LinkedHashMap<>();
        for (int c = 0; c < columns.length; c++) {
            Column col = columns[c];
            if (col.role != ROLE_ARRAY) continue;
            switch (col.type) {
                case 'R': arrays.put(col.name, Value.ofReals(n, col.width, (double[]) store[c])); break;
                case 'I': arrays.put(col.name, Value.ofInts(n, col.width, (long[]) store[c])); break;
                case 'L': arrays.put(col.name, Value.ofBools(n, col.width, (boolean[]) store[c])); break;
                default: arrays.put(col.name, Value.ofStrings(n, col.width, (String[]) store[c]));
            }
        }
        return new Structure(numbers, positions, cell, info, arrays);
    }

    private int parseCount(String header) {
        String t = header.strip();
        long n;
        try {
            n = ExtXyzSyntax.parseLong(t, 0, t.length());
        } catch (SyntaxError e) {
            // a model or checkpoint file (safetensors: a binary length, then the JSON header) given where structures belong
            String hint = frame > 0 ? " (does the previous frame have more atom lines than its count announced?)"
                : t.contains("{\"__metadata__\"") ? " (this is a tensorbasis model or checkpoint file, not an extended-XYZ file of structures)" : "";
            throw bad(countLineNo, "atom count", "expected the number of atoms, found '" + abbreviate(t) + "'" + hint);
        }
        if (n < 1 || n > Integer.MAX_VALUE / 9) {
            throw bad(countLineNo, "atom count", "the number of atoms must be a positive integer, found " + n);
        }
        if (n > maxAtoms) {
            // checked before the frame's arrays are allocated: a bogus count must not exhaust the heap
            throw bad(countLineNo, "atom count", n + " atoms announced, but the whole file is too short for that many atom lines"
                + " (truncated file, or not an atom count)");
        }
        return (int) n;
    }

    private BadInputException columnCountError(String line, int got, int expected, String field, String props, int atom, int n) {
        checkLoneCount(line, atom, n);
        return bad(lineNo, field, "atom line has " + got + " columns but Properties ("
            + (props == null ? DEFAULT_PROPERTIES : props) + ") declare " + expected);
    }

    /** An atom line that is a lone positive integer is the next frame's count line: report the mismatch as such. */
    private void checkLoneCount(String line, int atom, int n) {
        String t = line.strip();
        if (t.isEmpty() || t.length() > 18) return;
        for (int k = 0; k < t.length(); k++) if (t.charAt(k) < '0' || t.charAt(k) > '9') return;
        throw bad(lineNo, "atom count", "atom line " + (atom + 1) + " of " + n + " is a lone integer '" + t
            + "': the frame has fewer atom lines than its atom count " + n + " announced");
    }

    private BadInputException notANumber(String line, int start, int end, String field, int atom, int k) {
        return bad(lineNo, field, "not a number: '" + line.substring(start, end) + "' (atom " + atom + ", component " + k + ")");
    }

    private long parseLongToken(String line, int start, int end, String field, int atom) {
        try {
            return ExtXyzSyntax.parseLong(line, start, end);
        } catch (SyntaxError e) {
            throw bad(lineNo, field, e.getMessage() + " (atom " + atom + ")");
        }
    }

    private static Boolean parseBoolToken(String line, int start, int end) {
        int n = end - start;
        if (n == 1) {
            char c = line.charAt(start);
            return c == 'T' ? Boolean.TRUE : c == 'F' ? Boolean.FALSE : null;
        }
        if (n == 4 && line.startsWith("True", start)) return Boolean.TRUE;
        if (n == 5 && line.startsWith("False", start)) return Boolean.FALSE;
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    // ---- element symbols without allocating: table indexed by the (at most two) ASCII chars
    private static final short[] SYMBOL_TABLE = new short[128 * 128];
    static {
        for (int z = 1; z <= Elements.MAX_Z; z++) {
            String s = Elements.symbol(z);
            int key = s.charAt(0) * 128 + (s.length() > 1 ? s.charAt(1) : 0);
            SYMBOL_TABLE[key] = (short) z;
        }
    }

    private static int atomicNumber(String line, int start, int end) {
        int n = end - start;
        if (n < 1 || n > 2) return -1;
        char a = line.charAt(start);
        char b = n == 2 ? line.charAt(start + 1) : 0;
        if (a >= 128 || b >= 128) return -1;
        int z = SYMBOL_TABLE[a * 128 + b];
        return z == 0 ? -1 : z;
    }

    // ---- special keys

    private Cell parseCell(boolean hasLattice, String latticeText, boolean hasPbc, String pbcText, long line) {
        boolean[] pbc = null;
        if (hasPbc) {
            Value v;
            try {
                v = ExtXyzSyntax.inferInfo(pbcText);
            } catch (SyntaxError e) {
                throw bad(line, "pbc", e.getMessage());
            }
            if (v.kind() != Value.Kind.BOOL || (v.size() != 1 && v.size() != 3)) {
                throw bad(line, "pbc", "expected 3 logicals such as \"T T F\", found '" + abbreviate(String.valueOf(pbcText)) + "'");
            }
            pbc = v.size() == 1
                ? new boolean[] {v.getBool(0, 0), v.getBool(0, 0), v.getBool(0, 0)}
                : new boolean[] {v.getBool(0, 0), v.getBool(0, 1), v.getBool(0, 2)};
        }
        if (!hasLattice) {
            if (pbc != null && (pbc[0] || pbc[1] || pbc[2])) {
                warnOnce(Quirk.PBC_WITHOUT_LATTICE, "frame " + frame + " (line " + line + ") has a periodic pbc without a Lattice;"
                    + " read as non-periodic (no cell). Reported once per file.");
            }
            return null;
        }
        double[] lattice = new double[9];
        List<String> tokens = latticeText == null ? List.of() : ExtXyzSyntax.splitTokens(latticeText);
        if (tokens.size() != 9) {
            throw bad(line, "Lattice", "expected 9 numbers (3 lattice vectors), found " + tokens.size()
                + " value(s): '" + abbreviate(String.valueOf(latticeText)) + "'");
        }
        boolean allZero = true;
        for (int k = 0; k < 9; k++) {
            String t = tokens.get(k);
            double x = ExtXyzSyntax.parseDouble(t, 0, t.length());
            if (ExtXyzSyntax.failed(x)) throw bad(line, "Lattice", "not a number: '" + abbreviate(t) + "'");
            if (!Double.isFinite(x)) throw bad(line, "Lattice", "non-finite lattice component '" + t + "'");
            lattice[k] = x;
            if (x != 0.0) allZero = false;
        }
        if (allZero) {
            warnOnce(Quirk.ZERO_LATTICE, "frame " + frame + " (line " + line + ") has an all-zero Lattice; read as no cell"
                + " (non-periodic). Reported once per file.");
            return null;
        }
        if (pbc == null) pbc = new boolean[] {true, true, true}; // ASE: a Lattice without pbc is periodic
        try {
            return new Cell(lattice, pbc);
        } catch (IllegalArgumentException e) {
            throw bad(line, "Lattice", e.getMessage());
        }
    }

    private void warnOnce(Quirk q, String message) {
        if (warned.add(q)) warnings.accept(file + ": " + message);
    }

    private Column[] parseProperties(String text, long line) {
        if (text.equals(lastPropertiesText)) return lastColumns;
        String[] f = text.split(":", -1);
        if (f.length % 3 != 0 || text.isEmpty()) {
            throw bad(line, "Properties", "expected name:type:columns triplets, found '" + abbreviate(text) + "'");
        }
        List<Column> cols = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        boolean species = false, z = false, pos = false;
        for (int k = 0; k < f.length; k += 3) {
            String name = f[k];
            String type = f[k + 1];
            int width;
            try {
                width = Integer.parseInt(f[k + 2]);
            } catch (NumberFormatException e) {
                throw bad(line, "Properties", "column count of '" + name + "' is not an integer: '" + f[k + 2] + "'");
            }
            if (name.isEmpty() || !names.add(name)) {
                throw bad(line, "Properties", name.isEmpty() ? "empty property name" : "duplicate property '" + name + "'");
            }
            if (type.length() != 1 || "SRIL".indexOf(type.charAt(0)) < 0) {
                throw bad(line, "Properties", "unknown type '" + type + "' of property '" + name + "' (expected S, R, I or L)");
            }
            if (width < 1) throw bad(line, "Properties", "property '" + name + "' has " + width + " columns");
            char t = type.charAt(0);
            int role = ROLE_ARRAY;
            if (name.equals("species")) {
                role = ROLE_SPECIES;
                species = true;
                if (t != 'S' || width != 1) throw bad(line, "Properties", "species must be S:1, found " + t + ":" + width);
            } else if (name.equals("Z")) {
                role = ROLE_Z;
                z = true;
                if (t != 'I' || width != 1) throw bad(line, "Properties", "Z must be I:1, found " + t + ":" + width);
            } else if (name.equals("pos")) {
                role = ROLE_POS;
                pos = true;
                if (t != 'R' || width != 3) throw bad(line, "Properties", "pos must be R:3, found " + t + ":" + width);
            }
            cols.add(new Column(name, t, width, role));
        }
        if (!species && !z) throw bad(line, "Properties", "no species:S:1 or Z:I:1 column in '" + abbreviate(text) + "'");
        if (!pos) throw bad(line, "Properties", "no pos:R:3 column in '" + abbreviate(text) + "'");
        lastPropertiesText = text;
        lastColumns = cols.toArray(new Column[0]);
        return lastColumns;
    }
}
