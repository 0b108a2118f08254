package org.tensorbasis.equivariant;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Round trips and block equivariance on every tensor field of the datasets in ../shared/data
 * (skipped when the folder is absent). A minimal extended-XYZ scan is used so that this package stays
 * independent of the io package.
 */
class DatasetTensorsTest {
    static final Path DATA = Path.of("..", "shared", "data");
    /** Fields documented as fully symmetric (they must also survive the symmetric decomposition). */
    static final Set<String> SYMMETRIC = Set.of(
        "water_monomer_1000.xyz:alpha", "water_monomer_1000.xyz:beta", "water_monomer_gamma_1000.xyz:gamma",
        "water_dimer_1000.xyz:alpha", "water_dimer_1000.xyz:beta", "qm7x_reduced_100_CHNO.xyz:alpha",
        "qm7x_reduced_100.xyz:polarizability", "phonon_becs_epsilon.xyz:eps");
    static final Pattern KV = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S+)");

    static Stream<String> files() {
        return Stream.of("water-monomer-sagpr/water_monomer_1000.xyz", "water-monomer-sagpr/water_monomer_gamma_1000.xyz",
            "water-dimer-sagpr/water_dimer_1000.xyz", "qm7x-chno-mu-alpha/qm7x_reduced_100_CHNO.xyz",
            "qm7x-chns-alpha/qm7x_reduced_100.xyz", "bulk-water-dielectric/water_bulk_1000.xyz",
            "phonon-bec-eps/phonon_becs_epsilon.xyz", "shiftml-csd-s546-nmr/csd_s546_shielding.xyz");
    }

    /** All tensors of a file, by field name; every value has 3^n components. */
    static Map<String, List<double[]>> readTensors(Path file) throws IOException {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                int nat = Integer.parseInt(line.trim());
                String header = r.readLine();
                List<String> perAtom = new ArrayList<>();
                List<int[]> cols = new ArrayList<>();
                Matcher m = KV.matcher(header);
                while (m.find()) {
                    String key = m.group(1), val = m.group(2).replace("\"", "").trim();
                    if (key.equals("Properties")) {
                        String[] p = val.split(":");
                        int col = 0;
                        for (int i = 0; i + 2 < p.length; i += 3) {
                            int n = Integer.parseInt(p[i + 2]);
                            if (p[i + 1].equals("R") && !p[i].equals("pos") && isPow3(n)) {
                                perAtom.add(p[i]);
                                cols.add(new int[] {col, n});
                            }
                            col += n;
                        }
                    } else if (!key.equals("Lattice") && !key.equals("pbc")) {
                        String[] tok = val.split("\\s+");
                        if (tok.length > 1 && isPow3(tok.length)) {
                            double[] t = new double[tok.length];
                            for (int i = 0; i < t.length; i++) t[i] = Double.parseDouble(tok[i]);
                            out.computeIfAbsent(key, k -> new ArrayList<>()).add(t);
                        }
                    }
                }
                for (int a = 0; a < nat; a++) {
                    String[] tok = r.readLine().trim().split("\\s+");
                    for (int f = 0; f < perAtom.size(); f++) {
                        int c0 = cols.get(f)[0], n = cols.get(f)[1];
                        double[] t = new double[n];
                        for (int i = 0; i < n; i++) t[i] = Double.parseDouble(tok[c0 + i]);
                        out.computeIfAbsent(perAtom.get(f), k -> new ArrayList<>()).add(t);
                    }
                }
            }
        }
        return out;
    }

    static boolean isPow3(int n) {
        return n == 3 || n == 9 || n == 27 || n == 81;
    }

    static int rankOf(int n) {
        return n == 3 ? 1 : n == 9 ? 2 : n == 27 ? 3 : 4;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double x : a) m = Math.max(m, Math.abs(x));
        return m;
    }

    static double relErr(double[] a, double[] b) {
        double e = 0;
        for (int i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
        double s = maxAbs(b);
        return s == 0 ? e : e / s;
    }

    @ParameterizedTest
    @MethodSource("files")
    void roundTripsAndEquivarianceOnEveryTensorField(String name) throws IOException {
        Path file = DATA.resolve(name);
        Assumptions.assumeTrue(Files.isReadable(file), "shared data not found: " + file.toAbsolutePath());
        Map<String, List<double[]>> fields = readTensors(file);
        assertThat(fields).isNotEmpty();
        String base = file.getFileName().toString();
        SplittableRandom rng = new SplittableRandom(base.hashCode());
        double[] rot = Rotations.random(rng);
        double[][] qs = {rot, Rotations.improper(rot)};
        // transformation matrices per (q, λ, σ), computed once per file
        double[][][][] wig = new double[2][5][2][];
        for (int qi = 0; qi < 2; qi++) for (int l = 0; l <= 4; l++) for (int si = 0; si < 2; si++) wig[qi][l][si] = Rotations.wigner(l, si == 0 ? 1 : -1, qs[qi]);
        int symSeen = 0;
        for (Map.Entry<String, List<double[]>> e : fields.entrySet()) {
            String field = base + ":" + e.getKey();
            int rank = rankOf(e.getValue().get(0).length);
            Decomposition g = CartesianTensors.general(rank);
            boolean sym = SYMMETRIC.contains(field);
            if (sym) symSeen++;
            Decomposition s = CartesianTensors.symmetric(rank);
            double worstG = 0, worstS = 0, worstEq = 0;
            for (double[] t : e.getValue()) {
                double[] sg = g.toSpherical(t);
                worstG = Math.max(worstG, relErr(g.toCartesian(sg), t));
                if (sym) worstS = Math.max(worstS, relErr(s.toCartesian(s.toSpherical(t)), t));
                for (int qi = 0; qi < 2; qi++) {
                    double[] q = qs[qi];
                    double[] sq = g.toSpherical(CartesianTensors.transform(q, t, rank));
                    double err = 0;
                    for (Decomposition.Block b : g.blocks()) {
                        double[] x = new double[b.size()];
                        System.arraycopy(sg, b.offset(), x, 0, x.length);
                        double[] d = WignerD.apply(wig[qi][b.lambda()][b.sigma() > 0 ? 0 : 1], x);
                        for (int mu = 0; mu < x.length; mu++) err = Math.max(err, Math.abs(sq[b.offset() + mu] - d[mu]));
                    }
                    double scale = maxAbs(t);
                    worstEq = Math.max(worstEq, scale == 0 ? err : err / scale);
                }
            }
            assertThat(worstG).as("general round trip %s", field).isLessThanOrEqualTo(1e-12);
            assertThat(worstEq).as("block equivariance %s", field).isLessThanOrEqualTo(1e-12);
            if (sym) assertThat(worstS).as("symmetric round trip %s", field).isLessThanOrEqualTo(1e-12);
            System.out.printf("%s: %d tensors of rank %d, round trip %.2e, symmetric %s, equivariance %.2e%n",
                field, e.getValue().size(), rank, worstG, sym ? String.format("%.2e", worstS) : "-", worstEq);
        }
        assertThat(symSeen).as("documented symmetric fields found in " + base)
            .isEqualTo((int) SYMMETRIC.stream().filter(f -> f.startsWith(base + ":")).count());
    }
}
