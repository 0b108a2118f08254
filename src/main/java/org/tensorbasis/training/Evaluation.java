package org.tensorbasis.training;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Metrics of predictions against the reference values stored in the samples. */
public final class Evaluation {
    private Evaluation() {}

    /** Reference and predicted values of one target (or block), flattened rows × width. */
    public record Pairs(String name, String unit, int width, double[] reference, double[] predicted) {}

    /**
     * Per target, in the file's layout (all Cartesian components), then per spherical block.
     * Samples must hold the targets (checked; errors name file, frame and field).
     */
    public static List<Pairs> pairs(TrainedModel model, Predictions p, List<Sample> samples) {
        return pairs(model, p, samples, p.targets());
    }

    /** As {@link #pairs(TrainedModel, Predictions, List)} for a subset of the targets (in the given order). */
    public static List<Pairs> pairs(TrainedModel model, Predictions p, List<Sample> samples, Collection<String> targets) {
        List<Pairs> out = new ArrayList<>();
        List<Pairs> blocks = new ArrayList<>();
        for (String name : targets) {
            Options.Target t = model.options().targets().get(name);
            TargetLayout l = model.layouts().get(name);
            int width = l.width();
            DoubleList ref = new DoubleList();
            DoubleList pred = new DoubleList();
            List<DoubleList> bref = new ArrayList<>();
            List<DoubleList> bpred = new ArrayList<>();
            for (int b = 0; b < l.blocks().size(); b++) {
                bref.add(new DoubleList());
                bpred.add(new DoubleList());
            }
            for (int k = 0; k < samples.size(); k++) {
                double[] r = TargetValues.read(samples.get(k), t, width);
                ref.addAll(r);
                pred.addAll(p.values(name, k));
                int rows = r.length / width;
                Map<String, double[]> pb = p.blocks(name, k);
                int b = 0;
                for (TargetLayout.Block blk : l.blocks()) {
                    int w = blk.properties() * blk.dim();
                    double[] rv = new double[rows * w];
                    for (int row = 0; row < rows; row++) l.gather(l.toSpherical(r, row * width), b, rv, row * w);
                    bref.get(b).addAll(rv);
                    bpred.get(b).addAll(pb.get(blk.name()));
                    b++;
                }
            }
            out.add(new Pairs(name, t.unit(), width, ref.toArray(), pred.toArray()));
            for (int b = 0; b < l.blocks().size(); b++) {
                TargetLayout.Block blk = l.blocks().get(b);
                blocks.add(new Pairs(blk.name(), t.unit(), blk.properties() * blk.dim(), bref.get(b).toArray(), bpred.get(b).toArray()));
            }
        }
        out.addAll(blocks);
        return out;
    }

    public static List<Metrics> metrics(TrainedModel model, Predictions p, List<Sample> samples) {
        return metrics(pairs(model, p, samples));
    }

    /** Metrics of each pair list (same order). */
    public static List<Metrics> metrics(List<Pairs> pairs) {
        List<Metrics> out = new ArrayList<>();
        for (Pairs pr : pairs) out.add(Metrics.of(pr.name(), pr.unit(), pr.reference(), pr.predicted(), pr.width()));
        return out;
    }

    /** A growable double array. */
    static final class DoubleList {
        private double[] a = new double[64];
        private int n;

        void addAll(double[] v) {
            if (n + v.length > a.length) a = java.util.Arrays.copyOf(a, Math.max(2 * a.length, n + v.length));
            System.arraycopy(v, 0, a, n, v.length);
            n += v.length;
        }

        double[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
