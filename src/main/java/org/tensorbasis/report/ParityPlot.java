package org.tensorbasis.report;

import org.tensorbasis.evaluation.Metrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Parity plot (predicted against reference, every component of every row as one point, with the
 * line y = x) written as a PNG with xchart. Works without a display: the class switches AWT to
 * headless mode unless the user chose otherwise.
 */
public final class ParityPlot {
    static {
        // must happen before the first AWT class loads; harmless on machines with a display
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** Image size in pixels. */
    public static final int WIDTH = 800;
    public static final int HEIGHT = 800;

    /** At most this many points are drawn (every k-th beyond that, said in the legend). */
    public static final int MAX_POINTS = 100_000;

    private ParityPlot() {}

    /** A file name for a target's plot: characters other than letters, digits, '-', '_', '.' become '_'. */
    public static String fileName(String target) {
        return target.replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
    }

    /** The chart of one target; {@code m} supplies RMSE and %RMSE for the title (null: none). */
    public static XYChart chart(String target, String unit, double[] reference, double[] predicted, Metrics m) {
        if (reference.length != predicted.length) throw new IllegalArgumentException("reference and prediction lengths differ");
        String u = unit == null || unit.isBlank() ? "" : " (" + unit + ")";
        StringBuilder title = new StringBuilder(target);
        if (m != null) {
            title.append(String.format(Locale.ROOT, " \u2014 RMSE %.4g%s, %%RMSE %s", m.rmse(), unit == null || unit.isBlank() ? "" : " " + unit,
                Double.isNaN(m.percentRmse()) ? "n/a" : String.format(Locale.ROOT, "%.2f %%", m.percentRmse())));
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title.toString())
            .xAxisTitle("reference " + target + u).yAxisTitle("predicted " + target + u).build();
        Styler st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.InsideSE);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setChartTitleBoxVisible(false);
        chart.getStyler().setMarkerSize(4);

        int n = reference.length;
        int stride = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
        int shown = (n + stride - 1) / stride;
        double[] x = new double[shown];
        double[] y = new double[shown];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0, k = 0; i < n; i += stride, k++) {
            x[k] = reference[i];
            y[k] = predicted[i];
        }
        for (int i = 0; i < n; i++) {
            lo = Math.min(lo, Math.min(reference[i], predicted[i]));
            hi = Math.max(hi, Math.max(reference[i], predicted[i]));
        }
        if (n == 0 || !(hi > lo)) { // no points or a single value: a unit-wide window around it
            double c = n == 0 || !Double.isFinite(lo) ? 0 : lo;
            lo = c - 0.5;
            hi = c + 0.5;
        }
        double pad = 0.04 * (hi - lo);
        lo -= pad;
        hi += pad;
        chart.getStyler().setXAxisMin(lo).setXAxisMax(hi).setYAxisMin(lo).setYAxisMax(hi);

        String label = stride == 1 ? n + " components" : shown + " of " + n + " components (every " + stride + "th)";
        if (shown > 0) { // xchart refuses empty series
            XYSeries pts = chart.addSeries(label, x, y);
            pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            pts.setMarker(SeriesMarkers.CIRCLE);
            pts.setMarkerColor(new Color(31, 119, 180, 140));
        }

        XYSeries diag = chart.addSeries("y = x", new double[] {lo, hi}, new double[] {lo, hi});
        diag.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        diag.setMarker(SeriesMarkers.NONE);
        diag.setLineColor(new Color(90, 90, 90));
        diag.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        return chart;
    }

    /** Writes the plot of one target as a PNG, atomically (temporary file in the same folder + rename). */
    public static void write(Path png, String target, String unit, double[] reference, double[] predicted, Metrics m) throws IOException {
        org.tensorbasis.io.AtomicFiles.writeBytes(png, png(target, unit, reference, predicted, m));
    }

    /** The PNG bytes of the plot of one target. */
    public static byte[] png(String target, String unit, double[] reference, double[] predicted, Metrics m) throws IOException {
        return BitmapEncoder.getBitmapBytes(chart(target, unit, reference, predicted, m), BitmapEncoder.BitmapFormat.PNG);
    }

}
