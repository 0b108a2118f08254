package org.tensorbasis.evaluation;

import org.tensorbasis.options.Options;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.targets.TargetLayout;
import org.tensorbasis.targets.TargetValues;
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
     * Per target, in the file's layout (all Cartesian components), then per spherical block, then, for
     * per-atom targets whose atoms belong to several elements, the same per element ({@code
     * "<target>[<El>]"}, {@code "<block>[<El>]"}; elements by atomic number): pooled numbers mix elements
     * whose spreads can differ by orders of magnitude (NMR shieldings of H and S). Samples must hold the
     * targets (checked; errors name file, frame and field).
     */
    public static List<Pairs> pairs(Predictor model, Predictions p, List<Sample> samples) {
        return pairs(model, p, samples, p.targets());
    }

    /** As {@link #pairs(Predictor, Predictions, List)} for a subset of the targets (in the given order). */
    public static List<Pairs> pairs(Predictor model, Predictions p, List<Sample> samples, Collection<String> targets) {
        List<Pairs> out = new ArrayList<>();
        List<Pairs> blocks = new ArrayList<>();
        List<Pairs> elements = new ArrayList<>();
        for (String name : targets) {
            Options.Target t = model.options().targets().get(name);
            TargetLayout l = model.layouts().get(name);
            int width = l.width();
            DoubleList ref = new DoubleList();
            DoubleList pred = new DoubleList();
            List<DoubleList> bref = new ArrayList<>();
            List<DoubleList> bpred = new ArrayList<>();
            // per-atom targets: the same rows per element (atomic number → [target, blocks...] × [ref, pred])
            java.util.TreeMap<Integer, DoubleList[][]> byZ = new java.util.TreeMap<>();
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
                    if (t.perAtom()) {
                        double[] pv = pb.get(blk.name());
                        for (int row = 0; row < rows; row++) {
                            DoubleList[][] e = perElement(byZ, samples.get(k).structure().number(row), l.blocks().size());
                            e[1 + b][0].addAll(java.util.Arrays.copyOfRange(rv, row * w, (row + 1) * w));
                            e[1 + b][1].addAll(java.util.Arrays.copyOfRange(pv, row * w, (row + 1) * w));
                        }
                    }
                    b++;
                }
                if (t.perAtom()) {
                    double[] pv = p.values(name, k);
                    for (int row = 0; row < rows; row++) {
                        DoubleList[][] e = perElement(byZ, samples.get(k).structure().number(row), l.blocks().size());
                        e[0][0].addAll(java.util.Arrays.copyOfRange(r, row * width, (row + 1) * width));
                        e[0][1].addAll(java.util.Arrays.copyOfRange(pv, row * width, (row + 1) * width));
                    }
                }
            }
            out.add(new Pairs(name, t.unit(), width, ref.toArray(), pred.toArray()));
            for (int b = 0; b < l.blocks().size(); b++) {
                TargetLayout.Block blk = l.blocks().get(b);
                blocks.add(new Pairs(blk.name(), t.unit(), blk.properties() * blk.dim(), bref.get(b).toArray(), bpred.get(b).toArray()));
            }
            if (byZ.size() > 1) {
                for (Map.Entry<Integer, DoubleList[][]> e : byZ.entrySet()) {
                    String el = org.tensorbasis.structure.Elements.symbol(e.getKey());
                    DoubleList[][] d = e.getValue();
                    elements.add(new Pairs(new MetricName(name, null, el).name(), t.unit(), width, d[0][0].toArray(), d[0][1].toArray()));
                    for (int b = 0; b < l.blocks().size(); b++) {
                        TargetLayout.Block blk = l.blocks().get(b);
                        elements.add(new Pairs(new MetricName(name, blk.irrep(), el).name(), t.unit(), blk.properties() * blk.dim(),
                            d[1 + b][0].toArray(), d[1 + b][1].toArray()));
                    }
                }
            }
        }
        out.addAll(blocks);
        out.addAll(elements);
        return out;
    }

    private static DoubleList[][] perElement(java.util.TreeMap<Integer, DoubleList[][]> byZ, int z, int nBlocks) {
        return byZ.computeIfAbsent(z, k -> {
            DoubleList[][] d = new DoubleList[1 + nBlocks][2];
            for (DoubleList[] pair : d) {
                pair[0] = new DoubleList();
                pair[1] = new DoubleList();
            }
            return d;
        });
    }

    public static List<Metrics> metrics(Predictor model, Predictions p, List<Sample> samples) {
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
