package org.tensorbasis.report;

import org.tensorbasis.evaluation.Metrics;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class ParityPlotTest {
    @TempDir
    Path dir;

    static double[][] data(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] ref = new double[n];
        double[] pred = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = rng.nextDouble(-5, 20);
            pred[i] = ref[i] + 0.3 * rng.nextGaussian();
        }
        return new double[][] {ref, pred};
    }

    @Test
    void writesAReadablePngAtomically() throws IOException {
        double[][] d = data(900, 1);
        Metrics m = Metrics.of("alpha", "a.u.", d[0], d[1], 9);
        Path png = dir.resolve("sub/alpha.png");
        ParityPlot.write(png, "alpha", "a.u.", d[0], d[1], m);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(ParityPlot.WIDTH);
        assertThat(img.getHeight()).isEqualTo(ParityPlot.HEIGHT);
        // markers are drawn in blue: many bluish pixels in the plot area
        int blue = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
                if (b > r + 40 && b > g + 10) blue++;
            }
        }
        assertThat(blue).isGreaterThan(500);
        // overwriting replaces the file and leaves no temporary file behind
        long before = Files.size(png);
        double[][] d2 = data(30, 2);
        ParityPlot.write(png, "alpha", "a.u.", d2[0], d2[1], null);
        assertThat(Files.size(png)).isNotEqualTo(before);
        try (Stream<Path> s = Files.list(png.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("alpha.png");
        }
    }

    @Test
    void titleAndAxesNameTheTargetMetricsAndUnit() {
        double[][] d = data(90, 3);
        Metrics m = Metrics.of("mu", "D", d[0], d[1], 3);
        XYChart c = ParityPlot.chart("mu", "D", d[0], d[1], m);
        assertThat(c.getTitle()).startsWith("mu").contains("RMSE").contains("%RMSE")
            .contains(String.format(java.util.Locale.ROOT, "%.4g", m.rmse()))
            .contains(String.format(java.util.Locale.ROOT, "%.2f %%", m.percentRmse()));
        assertThat(c.getXAxisTitle()).isEqualTo("reference mu (D)");
        assertThat(c.getYAxisTitle()).isEqualTo("predicted mu (D)");
        assertThat(c.getSeries("y = x")).isNotNull();
        // same range on both axes, so that y = x is the diagonal
        assertThat(c.getStyler().getXAxisMin()).isEqualTo(c.getStyler().getYAxisMin());
        assertThat(c.getStyler().getXAxisMax()).isEqualTo(c.getStyler().getYAxisMax());
        XYChart noUnit = ParityPlot.chart("q", "", d[0], d[1], null);
        assertThat(noUnit.getXAxisTitle()).isEqualTo("reference q");
        assertThat(noUnit.getTitle()).isEqualTo("q");
    }

    @Test
    void largeDataIsThinnedAndSaysSo() {
        double[][] d = data(250_000, 4);
        XYChart c = ParityPlot.chart("big", "", d[0], d[1], null);
        XYSeries pts = c.getSeriesCollection().stream().filter(s -> !s.getName().equals("y = x")).findFirst().orElseThrow();
        assertThat(pts.getXData().length).isLessThanOrEqualTo(ParityPlot.MAX_POINTS);
        assertThat(pts.getName()).contains("of 250000");
    }

    @Test
    void degenerateDataStillGivesAPlot() throws IOException {
        ParityPlot.write(dir.resolve("flat.png"), "flat", "u", new double[] {2, 2, 2}, new double[] {2, 2, 2}, null);
        ParityPlot.write(dir.resolve("empty.png"), "empty", "u", new double[0], new double[0], null);
        assertThat(ImageIO.read(dir.resolve("flat.png").toFile())).isNotNull();
        assertThat(ImageIO.read(dir.resolve("empty.png").toFile())).isNotNull();
        assertThatThrownBy(() -> ParityPlot.chart("x", "", new double[2], new double[3], null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fileNamesAreSafe() {
        assertThat(ParityPlot.fileName("alpha")).isEqualTo("alpha.png");
        assertThat(ParityPlot.fileName("a/b c:L2+")).isEqualTo("a_b_c_L2_.png");
        assertThat(ParityPlot.fileName("../x")).isEqualTo(".._x.png");
    }
}
