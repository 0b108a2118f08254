package org.tensorbasis.targets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorbasis.options.Options;

/**
 * One block a model learns: the {@code inTarget}-th spherical block (λ, σ, properties) of target
 * number {@code target} (in the options' order). Every architecture learns the same list, in the
 * order of {@link #of}: targets in order, each target's blocks in layout order.
 */
public record ModelBlock(int target, String targetName, int inTarget, TargetLayout.Block block, boolean perAtom) {
    public String name() { return block.name(); }

    public int lambda() { return block.lambda(); }

    public int sigma() { return block.sigma(); }

    public Irrep irrep() { return block.irrep(); }

    public int properties() { return block.properties(); }

    public int dim() { return block.dim(); }

    /** Numbers per row (structure or atom): properties × (2λ+1). */
    public int rowWidth() { return block.properties() * block.dim(); }

    /** The blocks of every target's layout. */
    public static List<ModelBlock> of(Options options, Map<String, TargetLayout> layouts) {
        List<ModelBlock> out = new ArrayList<>();
        int t = 0;
        for (Map.Entry<String, TargetLayout> e : layouts.entrySet()) {
            List<TargetLayout.Block> lb = e.getValue().blocks();
            boolean perAtom = options.targets().get(e.getKey()).perAtom();
            for (int k = 0; k < lb.size(); k++) out.add(new ModelBlock(t, e.getKey(), k, lb.get(k), perAtom));
            t++;
        }
        return out;
    }

    /**
     * Real-unit values of each block for each sample: [block][sample] rows × (properties × dim), of the learned
     * values of each target ({@link TargetTransform}: the file's values unless a target has a transform or is intensive).
     */
    public static double[][][] values(List<ModelBlock> blocks, Options options, Map<String, TargetLayout> layouts, List<Sample> samples) {
        double[][][] out = new double[blocks.size()][samples.size()][];
        for (int b = 0; b < blocks.size(); b++) {
            ModelBlock mb = blocks.get(b);
            Options.Target t = options.targets().get(mb.targetName());
            TargetLayout l = layouts.get(mb.targetName());
            int w = mb.rowWidth();
            TargetTransform tr = TargetTransform.of(t);
            for (int s = 0; s < samples.size(); s++) {
                Sample smp = samples.get(s);
                double[] d = tr.forward(TargetValues.read(smp, t, l.width()), l.width(), smp.structure().size(), smp);
                int rows = d.length / l.width();
                double[] v = new double[rows * w];
                for (int r = 0; r < rows; r++) l.gather(l.toSpherical(d, r * l.width()), mb.inTarget(), v, r * w);
                out[b][s] = v;
            }
        }
        return out;
    }
}
