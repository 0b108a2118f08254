package org.tensorbasis.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.tensorbasis.BadInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tensorbasis report curves DATA.csv -o curve.png}: figures of the results study (learning curves). */
@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Figures for result reports.", subcommands = {ReportCommand.Curves.class})
public final class ReportCommand implements Runnable {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** One named series of (x, y) points; peers are drawn as markers only. */
    record Series(String name, boolean peer, List<double[]> points) {}

    /**
     * Reads the long-form CSV {@code series,x,y[,kind]} (header line required, '#' lines and blank
     * lines ignored; kind = {@code model} (default, line + markers) or {@code peer} (markers only)).
     * Series keep the order of their first appearance; points are sorted by x.
     */
    static List<Series> read(Path csv) throws IOException {
        if (!Files.isRegularFile(csv)) throw BadInputException.inFile(csv.toString(), "file not found");
        List<String> lines = Files.readAllLines(csv);
        Map<String, Series> out = new LinkedHashMap<>();
        boolean header = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] f = line.split(",", -1);
            if (!header) {
                if (f.length < 3 || !f[0].strip().equals("series") || !f[1].strip().equals("x") || !f[2].strip().equals("y")) {
                    throw BadInputException.atLine(csv.toString(), i + 1, null, "the header must be series,x,y[,kind]");
                }
                header = true;
                continue;
            }
            if (f.length < 3) throw BadInputException.atLine(csv.toString(), i + 1, null, "expected series,x,y[,kind]");
            String kind = f.length > 3 ? f[3].strip() : "model";
            if (!kind.equals("model") && !kind.equals("peer") && !kind.isEmpty()) {
                throw BadInputException.atLine(csv.toString(), i + 1, "kind", "kind must be model or peer, not '" + kind + "'");
            }
            double x;
            double y;
            try {
                x = Double.parseDouble(f[1].strip());
                y = Double.parseDouble(f[2].strip());
            } catch (NumberFormatException e) {
                throw BadInputException.atLine(csv.toString(), i + 1, null, "x and y must be numbers: " + line);
            }
            if (!(x > 0) || !(y > 0) || !Double.isFinite(x) || !Double.isFinite(y)) {
                throw BadInputException.atLine(csv.toString(), i + 1, null, "x and y must be positive and finite on log axes: " + line);
            }
            String name = f[0].strip();
            boolean peer = kind.equals("peer");
            Series s = out.computeIfAbsent(name, k -> new Series(k, peer, new ArrayList<>()));
            s.points().add(new double[] {x, y});
        }
        if (out.isEmpty()) throw BadInputException.inFile(csv.toString(), "no data rows");
        for (Series s : out.values()) s.points().sort((a, b) -> Double.compare(a[0], b[0]));
        return new ArrayList<>(out.values());
    }

    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44),
        new Color(148, 103, 189), new Color(255, 127, 14), new Color(140, 86, 75), new Color(227, 119, 194), new Color(23, 190, 207)};

    /** Log–log chart of the series. */
    static XYChart chart(List<Series> series, String title, String xLabel, String yLabel) {
        XYChart chart = new XYChartBuilder().width(800).height(600).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        Styler st = chart.getStyler();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmic(true);
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setChartTitleBoxVisible(false);
        st.setMarkerSize(8);
        // xchart labels only the powers of ten of a log axis: widen each axis to whole decades
        // so that at least two labelled ticks are visible
        double xlo = Double.POSITIVE_INFINITY, xhi = 0, ylo = Double.POSITIVE_INFINITY, yhi = 0;
        for (Series s : series) {
            for (double[] p : s.points()) {
                xlo = Math.min(xlo, p[0]);
                xhi = Math.max(xhi, p[0]);
                ylo = Math.min(ylo, p[1]);
                yhi = Math.max(yhi, p[1]);
            }
        }
        chart.getStyler().setXAxisMin(decadeBelow(xlo)).setXAxisMax(decadeAbove(xhi));
        chart.getStyler().setYAxisMin(decadeBelow(ylo)).setYAxisMax(decadeAbove(yhi));
        int c = 0;
        for (Series s : series) {
            double[] x = s.points().stream().mapToDouble(p -> p[0]).toArray();
            double[] y = s.points().stream().mapToDouble(p -> p[1]).toArray();
            XYSeries xs = chart.addSeries(s.name(), x, y);
            Color col = PALETTE[c++ % PALETTE.length];
            xs.setMarkerColor(col);
            xs.setLineColor(col);
            if (s.peer()) {
                xs.setMarker(SeriesMarkers.DIAMOND);
                xs.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            } else {
                xs.setMarker(SeriesMarkers.CIRCLE);
                xs.setLineStyle(new BasicStroke(2f));
            }
        }
        return chart;
    }

    static double decadeBelow(double v) {
        return Math.pow(10, Math.floor(Math.log10(v) + 1e-12));
    }

    static double decadeAbove(double v) {
        double d = Math.pow(10, Math.ceil(Math.log10(v) - 1e-12));
        return d > decadeBelow(v) ? d : 10 * d; // a value on a decade still gets a decade above
    }

    /** {@code report curves}: log–log learning curves from a long-form CSV. */
    @Command(name = "curves", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Log-log learning curves (one line per series; kind=peer series drawn dashed with diamonds) from a CSV series,x,y[,kind].")
    static final class Curves implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DATA.csv", description = "Long-form CSV: series,x,y[,kind]")
        Path csv;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "PNG", description = "Output image (PNG).")
        Path output;

        @Option(names = "--title", defaultValue = "", description = "Chart title.")
        String title;

        @Option(names = "--x-label", defaultValue = "training structures N", description = "x axis title.")
        String xLabel;

        @Option(names = "--y-label", defaultValue = "test %RMSE", description = "y axis title.")
        String yLabel;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            List<Series> series = read(csv);
            byte[] png = BitmapEncoder.getBitmapBytes(chart(series, title, xLabel, yLabel), BitmapEncoder.BitmapFormat.PNG);
            org.tensorbasis.io.AtomicFiles.writeBytes(output, png);
            int points = series.stream().mapToInt(s -> s.points().size()).sum();
            spec.commandLine().getOut().println(String.format(Locale.ROOT, "%d series, %d points written to %s", series.size(), points, output));
            return 0;
        }
    }
}
