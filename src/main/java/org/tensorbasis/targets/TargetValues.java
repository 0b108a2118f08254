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
     * Width of a target's field in the data (numbers per structure or per atom), the same in every
     * sample.
     */
    public static int width(List<Sample> samples, Options.Target t) {
        int w = -1;
        for (Sample smp : samples) {
            Value v = check(smp, t);
            if (w < 0) {
                w = v.width();
            } else if (v.width() != w) {
                throw BadInputException.atFrame(smp.file(), smp.frame(), t.key(),
                    "target '" + t.name() + "' has " + v.width() + " numbers here but " + w + " in earlier frames");
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
     * 1 otherwise), checked for width and finiteness.
     */
    public static double[] read(Sample smp, Options.Target t, int width) {
        Value v = check(smp, t);
        if (v.width() != width) {
            throw BadInputException.atFrame(smp.file(), smp.frame(), t.key(),
                "target '" + t.name() + "' has " + v.width() + " numbers, expected " + width);
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
