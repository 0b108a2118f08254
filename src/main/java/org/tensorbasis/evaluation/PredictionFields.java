package org.tensorbasis.evaluation;

import org.tensorbasis.options.Options;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;

/**
 * Adds predictions to structures in the layout of the input: a per-structure target {@code key}
 * becomes the info entry {@code key_pred} (a scalar for one number, a table of the reference's shape
 * when the reference is one, such as ASE's 3×3 {@code _JSON} arrays, a row of numbers otherwise),
 * a per-atom target becomes the per-atom array {@code key_pred} (atoms × width). Cartesian
 * targets keep the file's row-major component order, spherical targets their block order.
 */
public final class PredictionFields {
    /** Suffix of the field names of predictions. */
    public static final String SUFFIX = "_pred";

    private PredictionFields() {}

    /** The field name under which a target's prediction is written. */
    public static String key(Options.Target target) {
        return target.key() + SUFFIX;
    }

    /**
     * Copies of the structures with every target's prediction added (an existing field of the same
     * name is replaced). {@code p} must hold the predictions of exactly these structures, in order.
     */
    public static List<Structure> attach(Predictor model, Predictions p, List<Structure> structures) {
        if (p.size() != structures.size()) throw new IllegalArgumentException("predictions for " + p.size() + " structures, got " + structures.size());
        List<Structure> out = new ArrayList<>(structures.size());
        for (int k = 0; k < structures.size(); k++) {
            Structure s = structures.get(k);
            Map<String, Value> info = new LinkedHashMap<>();
            Map<String, Value> arrays = new LinkedHashMap<>();
            for (String name : p.targets()) {
                Options.Target t = model.options().targets().get(name);
                int width = model.layouts().get(name).width();
                double[] v = p.values(name, k);
                if (t.perAtom()) {
                    arrays.put(key(t), Value.ofReals(s.size(), width, v));
                } else {
                    Value ref = s.info().get(t.key());
                    if (ref != null && ref.rows() > 1 && ref.size() == width) {
                        info.put(key(t), Value.ofReals(ref.rows(), ref.width(), v)); // the reference's table (ASE's 3x3)
                    } else {
                        info.put(key(t), width == 1 ? Value.scalar(v[0]) : Value.row(v));
                    }
                }
            }
            if (!info.isEmpty()) s = s.withInfo(info);
            if (!arrays.isEmpty()) s = s.withArrays(arrays);
            out.add(s);
        }
        return out;
    }
}
