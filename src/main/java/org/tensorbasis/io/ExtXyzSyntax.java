package org.tensorbasis.io;

import java.util.ArrayList;
import java.util.List;

import org.tensorbasis.structure.Value;

/**
 * Lexical rules of extended XYZ as ASE (ase.io.extxyz) reads and writes them: Python-compatible
 * number parsing and formatting, the comment-line grammar, and the typing of info values.
 * Package-private helpers shared by {@link ExtXyzReader} and {@link ExtXyzWriter}.
 */
final class ExtXyzSyntax {
    private ExtXyzSyntax() {}

    /** Thrown by the parsers below; callers turn it into a BadInputException with position. */
    static final class SyntaxError extends Exception {
        SyntaxError(String message) { super(message, null, false, false); }
    }

    // ------------------------------------------------------------------ numbers

    /** Exact powers of ten 10^0 .. 10^22 (all exactly representable as doubles). */
    private static final double[] POW10 = new double[23];
    static {
        double p = 1.0;
        for (int i = 0; i < POW10.length; i++) { POW10[i] = p; p *= 10.0; }
    }
    private static final long TWO53 = 1L << 53;

    /** Marker returned by {@link #parseDouble} for text that is not a Python float. */
    static final double NOT_A_NUMBER_TEXT = Double.longBitsToDouble(0x7ff8dead00000001L);

    /** True if {@code x} is the {@link #NOT_A_NUMBER_TEXT} marker (a parse failure, not a NaN literal). */
    static boolean failed(double x) {
        return Double.doubleToRawLongBits(x) == 0x7ff8dead00000001L;
    }

    /**
     * Parses {@code s[from, to)} with Python's {@code float()} grammar (decimal digits with optional
     * sign, point and exponent, or inf/infinity/nan in any case), correctly rounded like
     * {@link Double#parseDouble}. Returns {@link #NOT_A_NUMBER_TEXT} on bad text (no exception, no
     * allocation on the fast path).
     */
    static double parseDouble(String s, int from, int to) {
        int i = from;
        if (i >= to) return NOT_A_NUMBER_TEXT;
        boolean neg = false;
        char c = s.charAt(i);
        if (c == '+' || c == '-') {
            neg = c == '-';
            if (++i >= to) return NOT_A_NUMBER_TEXT;
            c = s.charAt(i);
        }
        if (c > '9' || (c < '0' && c != '.')) return parseSpecial(s, i, to, neg);
        long mant = 0;
        int sig = 0;          // significant digits held in mant
        int exp10 = 0;        // decimal exponent applied to mant
        boolean digits = false;
        boolean inexact = false;
        for (; i < to; i++) {
            c = s.charAt(i);
            if (c < '0' || c > '9') break;
            digits = true;
            if (sig < 18) {
                mant = mant * 10 + (c - '0');
                if (mant != 0) sig++;
            } else {
                exp10++;
                if (c != '0') inexact = true;
            }
        }
        if (i < to && s.charAt(i) == '.') {
            for (i++; i < to; i++) {
                c = s.charAt(i);
                if (c < '0' || c > '9') break;
                digits = true;
                if (sig < 18) {
                    mant = mant * 10 + (c - '0');
                    if (mant != 0) sig++;
                    exp10--;
                } else if (c != '0') {
                    inexact = true;
                }
            }
        }
        if (!digits) return NOT_A_NUMBER_TEXT;
        if (i < to) {
            c = s.charAt(i);
            if (c != 'e' && c != 'E') return NOT_A_NUMBER_TEXT;
            i++;
            boolean eneg = false;
            if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) { eneg = s.charAt(i) == '-'; i++; }
            if (i >= to) return NOT_A_NUMBER_TEXT;
            int e = 0;
            for (; i < to; i++) {
                c = s.charAt(i);
                if (c < '0' || c > '9') return NOT_A_NUMBER_TEXT;
                if (e < 100000) e = e * 10 + (c - '0');
            }
            exp10 += eneg ? -e : e;
        }
        // Clinger's fast path: mant and 10^|e| are exact doubles, so one IEEE operation gives the
        // correctly rounded result, bit-identical to Double.parseDouble.
        if (!inexact && mant <= TWO53) {
            double v;
            if (mant == 0) v = 0.0;
            else if (exp10 == 0) v = mant;
            else if (exp10 > 0 && exp10 <= 22) v = mant * POW10[exp10];
            else if (exp10 < 0 && exp10 >= -22) v = mant / POW10[-exp10];
            else return Double.parseDouble(s.substring(from, to));
            return neg ? -v : v;
        }
        // grammar already checked, so Java's parser cannot accept anything Python would reject
        return Double.parseDouble(s.substring(from, to));
    }

    private static double parseSpecial(String s, int i, int to, boolean neg) {
        int n = to - i;
        if (n == 3 && s.regionMatches(true, i, "inf", 0, 3) || n == 8 && s.regionMatches(true, i, "infinity", 0, 8)) {
            return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (n == 3 && s.regionMatches(true, i, "nan", 0, 3)) return Double.NaN;
        return NOT_A_NUMBER_TEXT;
    }

    /** Parses {@code s[from, to)} as a Python/numpy int64 ([sign] digits). */
    static long parseLong(String s, int from, int to) throws SyntaxError {
        int i = from;
        if (i >= to) throw new SyntaxError("empty integer");
        boolean neg = false;
        char c = s.charAt(i);
        if (c == '+' || c == '-') { neg = c == '-'; i++; }
        if (i >= to) throw new SyntaxError("not an integer: '" + s.substring(from, to) + "'");
        long v = 0;
        for (; i < to; i++) {
            c = s.charAt(i);
            if (c < '0' || c > '9') throw new SyntaxError("not an integer: '" + s.substring(from, to) + "'");
            int d = c - '0';
            // accumulate negatively so that Long.MIN_VALUE parses
            if (v < (Long.MIN_VALUE + d) / 10) throw new SyntaxError("integer out of range: '" + s.substring(from, to) + "'");
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) throw new SyntaxError("integer out of range: '" + s.substring(from, to) + "'");
            v = -v;
        }
        return v;
    }

    static boolean isLong(String s) {
        try {
            parseLong(s, 0, s.length());
            return true;
        } catch (SyntaxError e) {
            return false;
        }
    }

    /**
     * Formats a double exactly as Python's {@code repr(float)} does (shortest digits that round-trip;
     * fixed notation for 1e-4 <= |x| < 1e16, else {@code 1.5e-05} style; {@code nan}, {@code inf}).
     * {@link #parseDouble} (and Python's {@code float()}) reads it back bit-identically.
     */
    static String formatDouble(double x) {
        if (Double.isNaN(x)) return "nan";
        if (Double.isInfinite(x)) return x > 0 ? "inf" : "-inf";
        if (x == 0.0) return (Double.doubleToRawLongBits(x) < 0) ? "-0.0" : "0.0";
        boolean neg = x < 0;
        double a = Math.abs(x);
        String js = Double.toString(a);
        long[] fast = ShortestDecimal.digits(a, js);  // the same digits from exact integer comparisons, where it can tell
        if (fast != null) {
            String body = render(Long.toString(fast[0]), (int) fast[1]);
            return neg ? "-" + body : body;
        }
        return general(neg, a, js);
    }

    /** {@link #formatDouble} by parsing candidates back and {@code BigDecimal} distances (the reference; any double). */
    static String general(boolean neg, double a, String js) {
        int ePos = js.indexOf('E');
        String mantissa = ePos < 0 ? js : js.substring(0, ePos);
        int exp = ePos < 0 ? 0 : Integer.parseInt(js.substring(ePos + 1));
        int dot = mantissa.indexOf('.');
        StringBuilder d = new StringBuilder(mantissa.length());
        d.append(mantissa, 0, dot).append(mantissa, dot + 1, mantissa.length());
        int decpt = dot + exp; // value = 0.DIGITS × 10^decpt
        int lead = 0;
        while (lead < d.length() - 1 && d.charAt(lead) == '0') lead++;
        d.delete(0, lead);
        decpt -= lead;
        int end = d.length();
        while (end > 1 && d.charAt(end - 1) == '0') end--;
        d.setLength(end);
        // Java 17's Double.toString is not always the shortest round-tripping string (JDK-4511638):
        // try dropping digits while the value still reads back exactly.
        String digits = d.toString();
        while (digits.length() > 1) {
            String shorter = shorten(digits, decpt, a);
            if (shorter == null) break;
            if (shorter.length() > digits.length()) break;
            // a carry may have added a leading digit ("999" -> "1"), which moves the point
            if (shorter.charAt(0) == '+') { decpt++; shorter = shorter.substring(1); }
            digits = shorter;
        }
        // Java may also pick a last digit that round-trips but is not the nearest (Python's choice)
        int[] dp = {decpt};
        digits = nearestLastDigit(digits, dp, a);
        decpt = dp[0];
        String body = render(digits, decpt);
        return neg ? "-" + body : body;
    }

    /**
     * One digit fewer (truncated or rounded up) that still reads back as {@code a}, or null; when
     * both do, the one nearer the exact value of {@code a} (as Python's shortest repr picks it).
     * A rounded-up candidate whose carry added a digit is prefixed with '+'.
     */
    private static String shorten(String digits, int decpt, double a) {
        int n = digits.length() - 1;
        String down = stripZeros(digits.substring(0, n));
        boolean downOk = Double.parseDouble(render(down, decpt)) == a;
        char[] up = digits.substring(0, n).toCharArray();
        int k = n - 1;
        while (k >= 0 && up[k] == '9') { up[k] = '0'; k--; }
        String upS;
        boolean carry = false;
        if (k < 0) { upS = "1"; carry = true; }
        else { up[k]++; upS = stripZeros(new String(up)); }
        int upDecpt = carry ? decpt + 1 : decpt;
        boolean upOk = Double.parseDouble(render(upS, upDecpt)) == a;
        if (downOk && upOk) {
            java.math.BigDecimal exact = new java.math.BigDecimal(a);
            java.math.BigDecimal dd = exact.subtract(new java.math.BigDecimal(render(down, decpt))).abs();
            java.math.BigDecimal du = exact.subtract(new java.math.BigDecimal(render(upS, upDecpt))).abs();
            upOk = du.compareTo(dd) < 0;
            downOk = !upOk;
        }
        if (downOk) return down;
        if (upOk) return carry ? "+" + upS : upS;
        return null;
    }

    /** Among digits and its two neighbours in the last place, the round-tripping one nearest to a. */
    private static String nearestLastDigit(String digits, int[] decpt, double a) {
        if (digits.length() < 2) return digits;
        String best = digits;
        int bestDecpt = decpt[0];
        java.math.BigDecimal exact = null;
        java.math.BigDecimal bestDist = null;
        for (int dir = -1; dir <= 1; dir += 2) {
            char[] c = digits.toCharArray();
            int k = c.length - 1;
            int dp = decpt[0];
            if (dir > 0) {
                while (k >= 0 && c[k] == '9') { c[k] = '0'; k--; }
                if (k < 0) continue; // "99..9" + 1 changes the length: the shortening loop covers it
                c[k]++;
            } else {
                while (k >= 0 && c[k] == '0') { c[k] = '9'; k--; }
                if (k < 0) continue;
                c[k]--;
            }
            String cand = new String(c);
            int lead = 0;
            while (lead < cand.length() - 1 && cand.charAt(lead) == '0') lead++;
            cand = stripZeros(cand.substring(lead));
            dp -= lead;
            if (Double.parseDouble(render(cand, dp)) != a) continue;
            if (exact == null) {
                exact = new java.math.BigDecimal(a);
                bestDist = exact.subtract(new java.math.BigDecimal(render(best, bestDecpt))).abs();
            }
            java.math.BigDecimal d = exact.subtract(new java.math.BigDecimal(render(cand, dp))).abs();
            if (d.compareTo(bestDist) < 0) { best = cand; bestDecpt = dp; bestDist = d; }
        }
        decpt[0] = bestDecpt;
        return best;
    }

    private static String stripZeros(String s) {
        int end = s.length();
        while (end > 1 && s.charAt(end - 1) == '0') end--;
        return s.substring(0, end);
    }

    /** CPython's float_repr_style 'short' layout for digits D and decimal point position decpt. */
    private static String render(String digits, int decpt) {
        int n = digits.length();
        StringBuilder sb = new StringBuilder(n + 8);
        if (decpt > 16 || decpt < -3) {
            sb.append(digits.charAt(0));
            if (n > 1) sb.append('.').append(digits, 1, n);
            int e = decpt - 1;
            sb.append(e < 0 ? "e-" : "e+");
            int ae = Math.abs(e);
            if (ae < 10) sb.append('0');
            sb.append(ae);
        } else if (decpt <= 0) {
            sb.append("0.");
            for (int i = 0; i < -decpt; i++) sb.append('0');
            sb.append(digits);
        } else if (decpt >= n) {
            sb.append(digits);
            for (int i = n; i < decpt; i++) sb.append('0');
            sb.append(".0");
        } else {
            sb.append(digits, 0, decpt).append('.').append(digits, decpt, n);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ comment line

    /** One key=value pair of a comment line, value already unquoted and unescaped. */
    record Pair(String key, String value) {}

    /**
     * Splits a comment line into key=value pairs with ASE's grammar: pairs separated by
     * whitespace; values (and keys) may be delimited by "...", '...', {...} or [...]; a backslash
     * takes the next character literally; spaces around '=' are allowed; a bare key means "T";
     * extra '=' inside a value are kept.
     */
    static List<Pair> splitPairs(String line) throws SyntaxError {
        List<Pair> out = new ArrayList<>();
        List<StringBuilder> parts = new ArrayList<>(); // parts of the current pair: key, value[, more after '=']
        parts.add(new StringBuilder());
        boolean touched = false;  // current part got a char or a delimiter pair (so key="" is a value)
        boolean escaped = false;
        char closing = 0;
        String s = line.strip();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            StringBuilder last = parts.get(parts.size() - 1);
            if (escaped) {
                last.append(c);
                escaped = false;
                touched = true;
            } else if (c == '\\') {
                escaped = true;
            } else if (closing != 0) {
                if (c == closing) closing = 0;
                else last.append(c);
            } else if (c == '"' || c == '\'' || c == '{' || c == '[') {
                closing = c == '{' ? '}' : c == '[' ? ']' : c;
                touched = true;
            } else if (Character.isWhitespace(c)) {
                if (!touched) continue; // blanks between pairs or right after '='
                flush(parts, out);
                parts = new ArrayList<>();
                parts.add(new StringBuilder());
                touched = false;
            } else if (c == '=') {
                if (parts.size() == 1 && !touched) {
                    // "key = value": this '=' continues the previous pair
                    if (out.isEmpty()) throw new SyntaxError("'=' without a key");
                    Pair prev = out.remove(out.size() - 1);
                    parts = new ArrayList<>();
                    parts.add(new StringBuilder(prev.key()));
                    if (prev.value() != null) parts.add(new StringBuilder(prev.value()));
                }
                parts.add(new StringBuilder());
                touched = false;
            } else {
                last.append(c);
                touched = true;
            }
        }
        if (closing != 0) throw new SyntaxError("unclosed " + (closing == '}' ? "{" : closing == ']' ? "[" : String.valueOf(closing)));
        if (escaped) throw new SyntaxError("line ends with a backslash");
        if (touched || parts.size() > 1) flush(parts, out);
        for (Pair p : out) {
            if (p.key().isEmpty()) throw new SyntaxError("empty key");
        }
        return out;
    }

    private static void flush(List<StringBuilder> cur, List<Pair> out) {
        String key = cur.get(0).toString();
        if (cur.size() == 1) {
            out.add(new Pair(key, null));
            return;
        }
        StringBuilder v = new StringBuilder();
        for (int k = 1; k < cur.size(); k++) {
            if (k > 1) v.append('=');
            v.append(cur.get(k));
        }
        out.add(new Pair(key, v.toString()));
    }

    /** Splits a value like numpy's {@code re.findall(r'[^\s,]+', value)}. */
    static List<String> splitTokens(String value) {
        List<String> t = new ArrayList<>();
        int n = value.length();
        int i = 0;
        while (i < n) {
            while (i < n && isSep(value.charAt(i))) i++;
            int start = i;
            while (i < n && !isSep(value.charAt(i))) i++;
            if (i > start) t.add(value.substring(start, i));
        }
        return t;
    }

    private static boolean isSep(char c) {
        return c == ',' || Character.isWhitespace(c);
    }

    /** BOOL literal as ASE's info parser (T/F) and column parser (True/False) accept it; null otherwise. */
    static Boolean parseBool(String t) {
        switch (t) {
            case "T": case "True": return Boolean.TRUE;
            case "F": case "False": return Boolean.FALSE;
            default: return null;
        }
    }

    /** Info keys ASE stores as 3×3 matrices written as 9 numbers in Fortran (column-major) order (besides Lattice). */
    static boolean isSpecial3x3(String key) {
        return key.equals("stress") || key.equals("virial");
    }

    /**
     * Types the info value of {@code key} as ASE's {@code key_val_str_to_dict} does: {@code uid}
     * (any case) stays the text as given; {@code stress} and {@code virial} with 9 numbers become
     * the 3×3 matrix they are in ASE (the numbers are in Fortran order: {@code m[i][j] = x[i + 3j]});
     * any other value as {@link #inferInfo(String)}.
     */
    static Value inferInfo(String key, String value) throws SyntaxError {
        if (key.equalsIgnoreCase("uid") && value != null) return Value.scalar(value);
        Value v = inferInfo(value);
        if (isSpecial3x3(key) && v.isNumeric() && v.rows() == 1 && v.width() == 9) {
            double[] f = v.toDoubles();
            if (v.kind() == Value.Kind.INT) {
                long[] m = new long[9];
                for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) m[3 * i + j] = v.getLong(0, i + 3 * j);
                return Value.ofInts(3, 3, m);
            }
            double[] m = new double[9];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) m[3 * i + j] = f[i + 3 * j];
            return Value.ofReals(3, 3, m);
        }
        return v;
    }

    /**
     * Types an info value as ASE does: all tokens integers → INT, else all Python floats → REAL,
     * else all T/F → BOOL (one token: scalar, several: one row), a value starting with
     * {@code "_JSON "} → parsed JSON, anything else → STRING scalar (the whole text).
     * A bare key (value null) is BOOL true.
     */
    static Value inferInfo(String value) throws SyntaxError {
        if (value == null) return Value.scalar(true);
        List<String> tokens = splitTokens(value);
        int n = tokens.size();
        if (n > 0) {
            long[] ints = new long[n];
            boolean allInt = true;
            for (int k = 0; k < n && allInt; k++) {
                String t = tokens.get(k);
                try {
                    ints[k] = parseLong(t, 0, t.length());
                } catch (SyntaxError e) {
                    allInt = false;
                }
            }
            if (allInt) return n == 1 ? Value.scalar(ints[0]) : Value.ofInts(1, n, ints);
            double[] reals = new double[n];
            boolean allReal = true;
            for (int k = 0; k < n && allReal; k++) {
                String t = tokens.get(k);
                reals[k] = parseDouble(t, 0, t.length());
                if (failed(reals[k])) allReal = false;
            }
            if (allReal) return n == 1 ? Value.scalar(reals[0]) : Value.row(reals);
            boolean[] bools = new boolean[n];
            boolean allBool = true;
            for (int k = 0; k < n && allBool; k++) {
                Boolean b = parseBool(tokens.get(k));
                if (b == null) allBool = false;
                else bools[k] = b;
            }
            if (allBool) return n == 1 ? Value.scalar(bools[0]) : Value.ofBools(1, n, bools);
        }
        if (value.startsWith("_JSON ")) return Json.toValue(value.substring(6));
        return Value.scalar(value);
    }

    // ------------------------------------------------------------------ quoting

    /** Quotes a key or value for the comment line when ASE's grammar needs it. */
    static String quote(String s) {
        boolean needs = s.isEmpty();
        for (int i = 0; i < s.length() && !needs; i++) {
            char c = s.charAt(i);
            needs = Character.isWhitespace(c) || c == '"' || c == '\'' || c == '{' || c == '}'
                || c == '[' || c == ']' || c == '=' || c == '\\';
        }
        if (!needs) return s;
        StringBuilder sb = new StringBuilder(s.length() + 8).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') sb.append('\\');
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    // ------------------------------------------------------------------ JSON (ASE's "_JSON " values)

    /** The small JSON subset ASE writes for info values: scalars and (nested) lists of them. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) { this.s = s; }

        /** A JSON scalar, 1-D list (one row) or rectangular 2-D list (rows × width) as a Value. */
        static Value toValue(String text) throws SyntaxError {
            Json p = new Json(text);
            p.ws();
            Object o = p.value();
            p.ws();
            if (p.i != text.length()) throw new SyntaxError("trailing characters after JSON value");
            if (!(o instanceof List)) return scalarOf(o);
            List<?> list = (List<?>) o;
            if (list.isEmpty()) throw new SyntaxError("empty JSON list");
            List<Object> flat = new ArrayList<>();
            int rows, width;
            if (list.get(0) instanceof List) {
                // rows × the rest: a 3×3 list is 3 rows of 3; deeper lists (e.g. a 3×3×3 tensor) are rectangular
                // arrays read as rows of their flattened remaining axes (3 rows of 9), numbers in row-major order
                rows = list.size();
                int[] inner = shape(list.get(0));
                width = 1;
                for (int d : inner) width *= d;
                if (width == 0) throw new SyntaxError("empty JSON list");
                for (Object r : list) {
                    if (!java.util.Arrays.equals(shape(r), inner)) throw new SyntaxError("JSON list is not rectangular");
                    flatten(r, flat);
                }
            } else {
                rows = 1;
                width = list.size();
                for (Object x : list) {
                    if (x instanceof List) throw new SyntaxError("JSON list is not rectangular");
                    flat.add(x);
                }
            }
            return tableOf(rows, width, flat);
        }

        /** The shape of a rectangular nested list (its first elements' lengths); [] for a scalar. */
        private static int[] shape(Object o) {
            List<Integer> dims = new ArrayList<>();
            while (o instanceof List<?> l) {
                dims.add(l.size());
                o = l.isEmpty() ? null : l.get(0);
            }
            int[] d = new int[dims.size()];
            for (int k = 0; k < d.length; k++) d[k] = dims.get(k);
            return d;
        }

        /** Appends the scalars of a nested list in row-major order, checking that it is rectangular. */
        private static void flatten(Object o, List<Object> out) throws SyntaxError {
            if (!(o instanceof List<?> l)) {
                out.add(o);
                return;
            }
            int[] first = l.isEmpty() ? new int[0] : shape(l.get(0));
            for (Object x : l) {
                if (!java.util.Arrays.equals(shape(x), first)) throw new SyntaxError("JSON list is not rectangular");
                flatten(x, out);
            }
        }

        private static Value scalarOf(Object o) throws SyntaxError {
            if (o instanceof String) return Value.scalar((String) o);
            if (o instanceof Boolean) return Value.scalar((Boolean) o);
            if (o instanceof Long) return Value.scalar((Long) o);
            return Value.scalar((Double) o);
        }

        private static Value tableOf(int rows, int width, List<Object> flat) throws SyntaxError {
            int n = flat.size();
            boolean anyString = false, anyBool = false, anyDouble = false, anyLong = false;
            for (Object x : flat) {
                if (x instanceof String) anyString = true;
                else if (x instanceof Boolean) anyBool = true;
                else if (x instanceof Double) anyDouble = true;
                else anyLong = true;
            }
            boolean numeric = anyDouble || anyLong;
            if ((anyString ? 1 : 0) + (anyBool ? 1 : 0) + (numeric ? 1 : 0) > 1) {
                throw new SyntaxError("JSON list mixes strings, booleans and numbers");
            }
            if (anyString) return Value.ofStrings(rows, width, flat.toArray(new String[0]));
            if (anyBool) {
                boolean[] b = new boolean[n];
                for (int k = 0; k < n; k++) b[k] = (Boolean) flat.get(k);
                return Value.ofBools(rows, width, b);
            }
            if (anyDouble) {
                double[] d = new double[n];
                for (int k = 0; k < n; k++) d[k] = ((Number) flat.get(k)).doubleValue();
                return Value.ofReals(rows, width, d);
            }
            long[] l = new long[n];
            for (int k = 0; k < n; k++) l[k] = (Long) flat.get(k);
            return Value.ofInts(rows, width, l);
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private Object value() throws SyntaxError {
            if (i >= s.length()) throw new SyntaxError("unexpected end of JSON");
            char c = s.charAt(i);
            if (c == '[') {
                i++;
                List<Object> l = new ArrayList<>();
                ws();
                if (i < s.length() && s.charAt(i) == ']') { i++; return l; }
                while (true) {
                    ws();
                    l.add(value());
                    ws();
                    if (i >= s.length()) throw new SyntaxError("unclosed JSON list");
                    char d = s.charAt(i++);
                    if (d == ']') return l;
                    if (d != ',') throw new SyntaxError("expected ',' or ']' in JSON list");
                }
            }
            if (c == '"') return string();
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("NaN", i)) { i += 3; return Double.NaN; }
            if (s.startsWith("Infinity", i)) { i += 8; return Double.POSITIVE_INFINITY; }
            if (s.startsWith("-Infinity", i)) { i += 9; return Double.NEGATIVE_INFINITY; }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
            if (start == i) throw new SyntaxError("unsupported JSON value at '" + s.substring(start) + "'");
            String num = s.substring(start, i);
            if (num.indexOf('.') < 0 && num.indexOf('e') < 0 && num.indexOf('E') < 0) {
                return parseLong(num, 0, num.length());
            }
            double d = parseDouble(num, 0, num.length());
            if (failed(d)) throw new SyntaxError("bad JSON number '" + num + "'");
            return d;
        }

        private String string() throws SyntaxError {
            StringBuilder sb = new StringBuilder();
            i++;
            while (true) {
                if (i >= s.length()) throw new SyntaxError("unclosed JSON string");
                char c = s.charAt(i++);
                if (c == '"') return sb.toString();
                if (c != '\\') { sb.append(c); continue; }
                if (i >= s.length()) throw new SyntaxError("unclosed JSON string");
                char e = s.charAt(i++);
                switch (e) {
                    case '"': case '\\': case '/': sb.append(e); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u':
                        if (i + 4 > s.length()) throw new SyntaxError("bad JSON \\u escape");
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw new SyntaxError("bad JSON \\u escape");
                        }
                        i += 4;
                        break;
                    default: throw new SyntaxError("bad JSON escape \\" + e);
                }
            }
        }

        /** JSON text of a Value the way Python's json.dumps writes the equivalent list (", " separators). */
        static String of(Value v) {
            StringBuilder sb = new StringBuilder();
            if (v.isScalar()) {
                item(v, 0, 0, sb);
                return sb.toString();
            }
            boolean nested = v.rows() > 1;
            if (nested) sb.append('[');
            for (int r = 0; r < v.rows(); r++) {
                if (r > 0) sb.append(", ");
                sb.append('[');
                for (int c = 0; c < v.width(); c++) {
                    if (c > 0) sb.append(", ");
                    item(v, r, c, sb);
                }
                sb.append(']');
            }
            if (nested) sb.append(']');
            return sb.toString();
        }

        private static void item(Value v, int r, int c, StringBuilder sb) {
            switch (v.kind()) {
                case REAL: {
                    double x = v.getDouble(r, c);
                    if (Double.isNaN(x)) sb.append("NaN");
                    else if (Double.isInfinite(x)) sb.append(x > 0 ? "Infinity" : "-Infinity");
                    else sb.append(formatDouble(x));
                    break;
                }
                case INT: sb.append(v.getLong(r, c)); break;
                case BOOL: sb.append(v.getBool(r, c) ? "true" : "false"); break;
                default: {
                    String t = v.getString(r, c);
                    sb.append('"');
                    for (int k = 0; k < t.length(); k++) {
                        char ch = t.charAt(k);
                        switch (ch) {
                            case '"': sb.append("\\\""); break;
                            case '\\': sb.append("\\\\"); break;
                            case '\n': sb.append("\\n"); break;
                            case '\r': sb.append("\\r"); break;
                            case '\t': sb.append("\\t"); break;
                            case '\b': sb.append("\\b"); break;
                            case '\f': sb.append("\\f"); break;
                            default:
                                if (ch < 0x20 || ch > 0x7e) sb.append(String.format("\\u%04x", (int) ch));
                                else sb.append(ch);
                        }
                    }
                    sb.append('"');
                }
            }
        }
    }
}
