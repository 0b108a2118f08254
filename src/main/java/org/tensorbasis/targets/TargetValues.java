package org.tensorbasis.targets;

import org.tensorbasis.options.Options;
import java.util.List;
import java.util.Map;
import org.tensorbasis.BadInputException;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

/**
 * Reads a target's numbers from structures, checking that the field exists, is numeric, has the
 * expected width and holds finite values; errors name the file, frame and field.
 */
public final class TargetValues {
    private TargetValues() {}

    /** The field of a target in one structure, or null when absent. */
    static Value field(Structure s, Options.Target t) {
        Map<String, Value> m = t.perAtom() ? s.arrays() : s.info();
        return m.get(t.key());
    }

    /**
     * Numbers of a target per row: the column count of a per-atom array; every number of an info
     * entry, row-major (an ASE 3×3 {@code _JSON [[...], [...], [...]]} is 9 numbers, like 9 flat ones).
     */
    static int widthOf(Value v, Options.Target t) {
        return t.perAtom() ? v.width() : v.size();
    }

    /**
     * Width of a target's field in the data (numbers per structure or per atom), the same in every
     * sample.
     */
    public static int width(List<Sample> samples, Options.Target t) {
        int w = -1;
        for (Sample smp : samples) {
            Value v = check(smp, t);
            int vw = widthOf(v, t);
            if (w < 0) {
                w = vw;
            } else if (vw != w) {
                throw BadInputException.atFrame(smp.file(), smp.frame(), t.key(),
                    "target '" + t.name() + "' has " + vw + " numbers here but " + w + " in earlier frames");
            }
        }
        return w;
    }

    private static Value check(Sample smp, Options.Target t) {
        Value v = field(smp.structure(), t);
        if (v == null) {
            throw BadInputException.atFrame(smp.file(), smp.frame(), t.key(),
                "target '" + t.name() + "' is missing" + (t.perAtom() ? " (expected a per-atom column in Properties)"
                    : " (expected a key=value in the comment line)"));
        }
        if (!v.isNumeric()) {
            throw BadInputException.atFrame(smp.file(), smp.frame(), t.key(), "target '" + t.name() + "' is not numeric");
        }
        return v;
    }

    /**
     * The numbers of a target in one sample: {@code rows × width} (rows = atoms for per-atom targets,
     * 1 otherwise; an info table such as a 3×3 is flattened row-major), checked for width and finiteness.
     */
    public static double[] read(Sample smp, Options.Target t, int width) {
        Value v = check(smp, t);
        if (widthOf(v, t) != width) {
            throw BadInputException.atFrame(smp.file(), smp.frame(), t.key(),
                "target '" + t.name() + "' has " + widthOf(v, t) + " numbers, expected " + width);
        }
        double[] d = v.toDoubles();
        for (int i = 0; i < d.length; i++) {
            if (!Double.isFinite(d[i])) {
                String where = t.perAtom() ? " (atom " + i / width + ", component " + i % width + ")" : " (component " + i + ")";
                throw BadInputException.atFrame(smp.file(), smp.frame(), t.key(),
                    "target '" + t.name() + "' holds a non-finite value" + where);
            }
        }
        return d;
    }
}
