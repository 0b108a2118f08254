package org.tensorbasis.evaluation;

import java.util.List;
import java.util.Locale;

/**
 * Error metrics of predictions against references with {@code width} components per row:
 * RMSE and MAE over all components, and %RMSE = 100 · RMSE / std, where std is the root of the
 * mean over components of each component's variance across the rows (the spread of the reference
 * values, so that 100 % is the error of always predicting the mean).
 */
public record Metrics(String name, String unit, long rows, int width, double rmse, double mae, double std) {

    /** %RMSE; NaN when the reference has no spread. */
    public double percentRmse() {
        return std > 0 ? 100.0 * rmse / std : Double.NaN;
    }

    public static Metrics of(String name, String unit, double[] ref, double[] pred, int width) {
        if (ref.length != pred.length) throw new IllegalArgumentException("reference and prediction lengths differ");
        long rows = width == 0 ? 0 : ref.length / width;
        double se = 0;
        double ae = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = pred[i] - ref[i];
            se += d * d;
            ae += Math.abs(d);
        }
        double var = 0;
        for (int c = 0; c < width; c++) {
            double mean = 0;
            for (long r = 0; r < rows; r++) mean += ref[(int) (r * width + c)];
            mean /= Math.max(1, rows);
            double v = 0;
            for (long r = 0; r < rows; r++) {
                double d = ref[(int) (r * width + c)] - mean;
                v += d * d;
            }
            var += v / Math.max(1, rows);
        }
        double n = Math.max(1, ref.length);
        return new Metrics(name, unit, rows, width, Math.sqrt(se / n), ae / n, Math.sqrt(var / Math.max(1, width)));
    }

    /** A plain-text table of metrics. */
    public static String table(String title, List<Metrics> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(title).append('\n');
        sb.append(String.format(Locale.ROOT, "  %-22s %8s %14s %14s %14s %9s  %s%n", "target", "rows", "RMSE", "MAE", "std(ref)", "%RMSE", "unit"));
        for (Metrics m : rows) {
            sb.append(String.format(Locale.ROOT, "  %-22s %8d %14.6g %14.6g %14.6g %9.4f  %s%n", m.name(), m.rows(), m.rmse(), m.mae(), m.std(),
                m.percentRmse(), m.unit()));
        }
        return sb.toString();
    }
}
