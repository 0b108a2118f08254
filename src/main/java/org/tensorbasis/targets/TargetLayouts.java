package org.tensorbasis.targets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tensorbasis.BadInputException;
import org.tensorbasis.options.Options;

/** Decides every target's {@link TargetLayout} from the options and the training data. */
public final class TargetLayouts {
    private TargetLayouts() {}

    /**
     * Layouts of every target, from the training data: Cartesian ranks are inferred from the width,
     * {@code symmetric: auto} is decided from the data, blocks that are zero everywhere are dropped
     * (each decision is reported to {@code messages}).
     */
    public static Map<String, TargetLayout> infer(Options options, List<Sample> train, Consumer<String> messages) {
        Map<String, TargetLayout> out = new LinkedHashMap<>();
        for (Options.Target t : options.targets().values()) {
            int width = TargetValues.width(train, t);
            TargetLayout layout;
            Sample first = train.get(0);
            if (t.type() == Options.TargetType.SPHERICAL) {
                if (width != t.width()) {
                    throw BadInputException.atFrame(first.file(), first.frame(), t.key(),
                        "target '" + t.name() + "' has " + width + " numbers, its blocks need " + t.width());
                }
                layout = TargetLayout.spherical(t.name(), t.blocks());
                if (t.intensive()) messages.accept("target " + t.name() + ": " + TargetTransform.of(t).describe());
            } else {
                int rank = t.rank();
                if (rank < 1) {
                    rank = switch (width) {
                        case 3 -> 1;
                        case 9 -> 2;
                        case 27 -> 3;
                        case 81 -> 4;
                        default -> throw BadInputException.atFrame(first.file(), first.frame(), t.key(),
                            "target '" + t.name() + "' has " + width + " numbers, not a Cartesian tensor (3, 9, 27 or 81)");
                    };
                } else if (width != (int) Math.round(Math.pow(3, rank))) {
                    throw BadInputException.atFrame(first.file(), first.frame(), t.key(),
                        "target '" + t.name() + "' has " + width + " numbers, rank " + rank + " needs " + (int) Math.round(Math.pow(3, rank)));
                }
                boolean symmetric = switch (t.symmetric()) {
                    case SYMMETRIC -> true;
                    case GENERAL -> false;
                    case AUTO -> rank >= 2 && looksSymmetric(train, t, rank, width);
                };
                if (t.transform() == Options.Transform.LOG) checkLogTarget(train, t, rank, symmetric);
                TargetLayout full = TargetLayout.cartesian(t.name(), rank, symmetric, null);
                Map<String, Boolean> keep = nonZeroBlocks(train, t, full);
                layout = TargetLayout.cartesian(t.name(), rank, symmetric, keep);
                StringBuilder msg = new StringBuilder("target " + t.name() + ": Cartesian rank " + rank + (symmetric ? ", symmetric" : ", general") + "; blocks");
                for (TargetLayout.Block b : layout.blocks()) msg.append(' ').append(b.irrep().name()).append(b.properties() > 1 ? "×" + b.properties() : "");
                for (TargetLayout.Block b : full.blocks()) {
                    if (!keep.get(b.name())) msg.append(" (").append(b.irrep().name()).append(" is zero in the data: predicted as zero)");
                }
                TargetTransform tr = TargetTransform.of(t);
                if (!tr.isIdentity()) msg.append("; ").append(tr.describe());
                messages.accept(msg.toString());
            }
            out.put(t.name(), layout);
        }
        return out;
    }

    /** A tensor is taken as symmetric when its antisymmetric parts are below 1e-3 of its RMS size everywhere. */
    private static boolean looksSymmetric(List<Sample> train, Options.Target t, int rank, int width) {
        TargetLayout sym = TargetLayout.cartesian(t.name(), rank, true, null);
        double sumSq = 0;
        long rows = 0;
        double maxDev = 0;
        for (Sample s : train) {
            double[] d = TargetValues.read(s, t, width);
            for (int r = 0; r < d.length / width; r++) {
                double[] sph = sym.toSpherical(d, r * width);
                double[] back = sym.toCartesian(sph);
                double dev = 0;
                for (int c = 0; c < width; c++) {
                    double x = d[r * width + c];
                    sumSq += x * x;
                    dev += (back[c] - x) * (back[c] - x);
                }
                maxDev = Math.max(maxDev, Math.sqrt(dev));
                rows++;
            }
        }
        double rms = Math.sqrt(sumSq / Math.max(1, rows));
        return maxDev <= 1e-3 * rms;
    }

    /**
     * {@code transform: log} needs a symmetric rank-2 target: a rank inferred from the data (3, 27 or 81 numbers) or
     * {@code symmetric: auto} decided as general is an error naming the first frame (the largest antisymmetric part).
     */
    private static void checkLogTarget(List<Sample> train, Options.Target t, int rank, boolean symmetric) {
        Sample first = train.get(0);
        if (rank != 2) {
            throw BadInputException.atFrame(first.file(), first.frame(), t.key(), "target '" + t.name() + "' is a rank-" + rank
                + " tensor (" + (int) Math.round(Math.pow(3, rank)) + " numbers): transform: log needs a symmetric rank-2 (3×3) tensor");
        }
        if (symmetric) return;
        Sample worst = first;
        double worstDev = -1;
        for (Sample s : train) {
            double[] d = TargetValues.read(s, t, 9);
            double dev = 0, size = 0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    dev = Math.max(dev, Math.abs(d[3 * i + j] - d[3 * j + i]));
                    size = Math.max(size, Math.abs(d[3 * i + j]));
                }
            }
            double rel = size > 0 ? dev / size : 0;
            if (rel > worstDev) {
                worstDev = rel;
                worst = s;
            }
        }
        throw BadInputException.atFrame(worst.file(), worst.frame(), t.key(), String.format(java.util.Locale.ROOT,
            "target '%s' is not symmetric (antisymmetric part %.3g of its largest entry here): transform: log needs a symmetric "
                + "rank-2 tensor (symmetric: true symmetrises it, if the asymmetry is noise)", t.name(), worstDev));
    }

    /** Which blocks of the learned values (after the target's transform) are non-zero somewhere in the training data. */
    private static Map<String, Boolean> nonZeroBlocks(List<Sample> train, Options.Target t, TargetLayout full) {
        double[] norm = new double[full.blocks().size()];
        double total = 0;
        TargetTransform tr = TargetTransform.of(t);
        for (Sample s : train) {
            double[] d = tr.forward(TargetValues.read(s, t, full.width()), full.width(), s.structure().size(), s);
            for (int r = 0; r < d.length / full.width(); r++) {
                double[] sph = full.toSpherical(d, r * full.width());
                for (int b = 0; b < norm.length; b++) {
                    for (int k : full.blocks().get(b).index()) norm[b] = Math.max(norm[b], Math.abs(sph[k]));
                }
                for (double x : sph) total = Math.max(total, Math.abs(x));
            }
        }
        Map<String, Boolean> keep = new LinkedHashMap<>();
        for (int b = 0; b < norm.length; b++) keep.put(full.blocks().get(b).name(), norm[b] > 1e-12 * total);
        return keep;
    }
}
