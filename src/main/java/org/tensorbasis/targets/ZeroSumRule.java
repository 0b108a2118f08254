package org.tensorbasis.targets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.tensorbasis.BadInputException;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Value;

/**
 * {@code targets.<name>.zero_sum} before training: {@code auto} decided from the training structures, {@code true}
 * checked on every split. The projection itself is {@link TargetTransform}'s (predictions) and
 * {@code LambdaMcovTrainer}'s (loss).
 */
public final class ZeroSumRule {
    private ZeroSumRule() {}

    /**
     * Tolerance of {@code zero_sum: auto}: every component's sum of a structure within this fraction of its root sum
     * of squares plus the target's RMS over all training atoms times √atoms (files round values: the Born charges
     * of the phonon set obey the rule to 1e-7 e, components that vanish by symmetry are stored as noise of 1e-8).
     */
    public static final double AUTO_TOLERANCE = 1e-5;

    /** Tolerance of the check of {@code zero_sum: true} (as {@link #AUTO_TOLERANCE}, looser: a stated rule is checked, not guessed). */
    public static final double CHECK_TOLERANCE = 1e-3;

    /** RMS of a per-atom target's values over the given structures (0 when absent). */
    private static double rms(Options.Target t, List<Sample> samples) {
        double all = 0;
        long n = 0;
        for (Sample s : samples) {
            Value v = s.structure().arrays().get(t.key());
            if (v == null) continue;
            for (double x : v.toDoubles()) {
                all += x * x;
                n++;
            }
        }
        return Math.sqrt(all / Math.max(1, n));
    }

    /**
     * Decides {@code zero_sum: auto} for every per-atom target from the training structures: true when each
     * structure's values sum to zero component by component (to {@link #AUTO_TOLERANCE} of their root sum
     * of squares plus the target's RMS × √atoms) and some structure of more than one atom has non-zero values — the
     * acoustic sum rule of Born charges, charges of neutral systems, forces on free ones. Says so when it turned the
     * projection on. A {@code zero_sum: true} target is checked on every structure of the three splits instead (to
     * {@link #CHECK_TOLERANCE}), an error naming file, frame and field where it fails.
     */
    public static Options resolve(Options options, List<Sample> train, List<Sample> all, Consumer<String> log) {
        boolean any = false;
        Map<String, Options.Target> out = new LinkedHashMap<>();
        for (Map.Entry<String, Options.Target> e : options.targets().entrySet()) {
            Options.Target t = e.getValue();
            out.put(e.getKey(), t);
            if (!t.zeroSumAuto() && !t.zeroSum()) continue;
            double rms = rms(t, train);
            if (t.zeroSum()) {
                for (Sample s : all) {
                    Value v = s.structure().arrays().get(t.key());
                    int atoms = s.structure().size();
                    if (v == null || atoms == 0) continue; // a missing value is the layouts' error to report
                    double[] x = v.toDoubles();
                    int w = x.length / atoms;
                    int c = firstNonZeroSum(x, w, CHECK_TOLERANCE, CHECK_TOLERANCE * rms * Math.sqrt(atoms));
                    if (c >= 0) {
                        double sum = 0;
                        for (int i = 0; i < atoms; i++) sum += x[i * w + c];
                        throw BadInputException.atFrame(s.file(), s.frame(), t.key(), String.format(Locale.ROOT,
                            "target '%s' has zero_sum: true, but component %d of the atoms' values sums to %.6g (the target's RMS is %.6g); "
                                + "remove zero_sum or fix the data", t.name(), c, sum, rms));
                    }
                }
                continue;
            }
            any = true;
            boolean zero = true;
            boolean signal = false;
            for (Sample s : train) {
                Value v = s.structure().arrays().get(t.key());
                int atoms = s.structure().size();
                if (v == null || atoms == 0) {
                    zero = false;
                    break;
                }
                double[] x = v.toDoubles();
                int w = x.length / atoms;
                if (firstNonZeroSum(x, w, AUTO_TOLERANCE, AUTO_TOLERANCE * rms * Math.sqrt(atoms)) >= 0) {
                    zero = false;
                    break;
                }
                if (atoms > 1) for (double y : x) if (y != 0) signal = true;
            }
            boolean on = zero && signal;
            if (on) {
                log.accept("target " + t.name() + ": zero_sum auto: every training structure's values sum to zero, so predictions are "
                    + "projected onto a zero sum per structure (set zero_sum: false to keep them as they are)");
            }
            out.put(e.getKey(), t.withZeroSum(on));
        }
        return any ? options.withTargets(out) : options;
    }

    /**
     * The first component c of one structure's per-atom values ({@code atoms × width}) whose sum over the atoms
     * exceeds {@code rel · sqrt(Σ_i y_ic²) + abs}, or −1 when every component sums to zero within that.
     */
    static int firstNonZeroSum(double[] values, int width, double rel, double abs) {
        int atoms = values.length / width;
        for (int c = 0; c < width; c++) {
            double sum = 0, sq = 0;
            for (int i = 0; i < atoms; i++) {
                sum += values[i * width + c];
                sq += values[i * width + c] * values[i * width + c];
            }
            if (!(Math.abs(sum) <= rel * Math.sqrt(sq) + abs)) return c;
        }
        return -1;
    }
}
