package org.tensorbasis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    private static String[] run(String... args) {
        CliRun r = CliRun.of(args);
        return new String[] {Integer.toString(r.code()), r.out(), r.err()};
    }

    @Test
    void readsSeriesInOrderSortedByX(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("c.csv");
        Files.writeString(csv, "# comment\nseries,x,y,kind\nmodel,800,0.1\nmodel,50,2\nSA-GPR,50,0.9,peer\n\nmodel,200,0.5,model\n");
        List<ReportCommand.Series> s = ReportCommand.read(csv);
        assertThat(s).extracting(ReportCommand.Series::name).containsExactly("model", "SA-GPR");
        assertThat(s.get(0).peer()).isFalse();
        assertThat(s.get(1).peer()).isTrue();
        assertThat(s.get(0).points()).extracting(p -> p[0]).containsExactly(50.0, 200.0, 800.0);
        assertThat(s.get(0).points()).extracting(p -> p[1]).containsExactly(2.0, 0.5, 0.1);
    }

    @Test
    void axesSpanWholeDecades() {
        assertThat(ReportCommand.decadeBelow(25)).isEqualTo(10.0);
        assertThat(ReportCommand.decadeAbove(412)).isEqualTo(1000.0);
        assertThat(ReportCommand.decadeBelow(0.02)).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-15));
        assertThat(ReportCommand.decadeBelow(100)).isEqualTo(100.0);
        assertThat(ReportCommand.decadeAbove(100)).isEqualTo(1000.0);
    }

    @Test
    void writesAPng(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("c.csv");
        Files.writeString(csv, "series,x,y,kind\nmodel,50,2\nmodel,800,0.1\nSA-GPR,50,0.9,peer\n");
        Path png = dir.resolve("sub/curve.png");
        String[] r = run("report", "curves", csv.toString(), "-o", png.toString(), "--title", "t");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("2 series, 3 points");
        byte[] b = Files.readAllBytes(png);
        assertThat(b.length).isGreaterThan(1000);
        assertThat(new String(b, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void nonPositiveValueIsBadInput(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("c.csv");
        Files.writeString(csv, "series,x,y\nmodel,50,0\n");
        String[] r = run("report", "curves", csv.toString(), "-o", dir.resolve("x.png").toString());
        assertThat(r[0]).isEqualTo(Integer.toString(Main.EXIT_BAD_INPUT));
        assertThat(r[2]).contains("line 2", "positive");
        assertThat(dir.resolve("x.png")).doesNotExist();
    }

    @Test
    void missingHeaderIsBadInput(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("c.csv");
        Files.writeString(csv, "model,50,1\n");
        String[] r = run("report", "curves", csv.toString(), "-o", dir.resolve("x.png").toString());
        assertThat(r[0]).isEqualTo(Integer.toString(Main.EXIT_BAD_INPUT));
        assertThat(r[2]).contains("header");
    }
}
