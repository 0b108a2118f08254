package org.tensorbasis.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.neighbors.NeighborList;
import org.tensorbasis.structure.Elements;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.structure.Value;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tensorbasis inspect FILE...}: a summary of a dataset, streamed frame by frame. */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Summarise extended-XYZ datasets: frames, atoms, species, periodicity, fields and their "
        + "shapes (flagging Cartesian tensors), and a histogram of neighbour counts.")
public final class InspectCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Extended XYZ files.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--cutoff", defaultValue = "5.0", description = "Cutoff radius for neighbour counts, Å (default: ${DEFAULT-VALUE}); 0 skips them.")
    double cutoff;

    @Option(names = "--bins", defaultValue = "10", description = "Histogram bins (default: ${DEFAULT-VALUE}).")
    int bins;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Statistics of one field across frames. */
    private static final class FieldStats {
        final String kind;
        /** Numbers per frame (info: all of them, row-major) or per atom (arrays), as a target would use them. */
        final int width;
        /** The table shape of an info entry with several rows (such as "3x3"), else null. */
        final String table;
        int frames;
        boolean consistent = true;

        FieldStats(String kind, int width, String table) {
            this.kind = kind;
            this.width = width;
            this.table = table;
        }
    }

    @Override
    public Integer call() throws java.io.IOException {
        if (!(cutoff >= 0) || Double.isInfinite(cutoff)) {
            throw org.tensorbasis.BadInputException.field("--cutoff", "must be a finite number >= 0, got " + cutoff);
        }
        if (bins < 1 || bins > 1000) {
            throw org.tensorbasis.BadInputException.field("--bins", "must be in 1..1000, got " + bins);
        }
        PrintWriter out = spec.commandLine().getOut();
        for (Path file : files) inspect(file, out);
        out.flush();
        return 0;
    }

    private void inspect(Path file, PrintWriter out) throws java.io.IOException {
        int frames = 0;
        long atoms = 0;
        int minAtoms = Integer.MAX_VALUE;
        int maxAtoms = 0;
        TreeMap<Integer, Long> species = new TreeMap<>();
        Map<String, Integer> pbcPatterns = new LinkedHashMap<>();
        double minVol = Double.POSITIVE_INFINITY;
        double maxVol = 0;
        Map<String, FieldStats> info = new LinkedHashMap<>();
        Map<String, FieldStats> arrays = new LinkedHashMap<>();
        List<Integer> neighborCounts = new ArrayList<>();
        long neighborTotal = 0;
        PrintWriter err = spec.commandLine().getErr();
        try (ExtXyzReader reader = new ExtXyzReader(file, w -> { err.println(w); err.flush(); })) {
            while (reader.hasNext()) {
                Structure s = reader.next();
                frames++;
                int n = s.size();
                atoms += n;
                minAtoms = Math.min(minAtoms, n);
                maxAtoms = Math.max(maxAtoms, n);
                for (int i = 0; i < n; i++) species.merge(s.number(i), 1L, Long::sum);
                String pbc = "F F F";
                if (s.hasCell()) {
                    boolean[] p = s.cell().pbc();
                    pbc = (p[0] ? "T" : "F") + " " + (p[1] ? "T" : "F") + " " + (p[2] ? "T" : "F");
                    double v = Math.abs(s.cell().volume());
                    // a slab or wire may have zero non-periodic vectors (volume 0): no volume to report
                    if (s.isPeriodic() && v > 0) {
                        minVol = Math.min(minVol, v);
                        maxVol = Math.max(maxVol, v);
                    }
                }
                pbcPatterns.merge(pbc, 1, Integer::sum);
                collect(info, s.info(), false);
                collect(arrays, s.arrays(), true);
                if (cutoff > 0) {
                    // a cell far smaller than the cutoff is named here instead of failing in the neighbour search
                    org.tensorbasis.targets.GeometryCheck.check(new org.tensorbasis.targets.Sample(s, file.toString(), frames - 1), cutoff, 0);
                    NeighborList nl = NeighborList.build(s, cutoff);
                    int[] off = nl.offsets();
                    for (int i = 0; i < n; i++) neighborCounts.add(off[i + 1] - off[i]);
                    neighborTotal += nl.pairs();
                }
            }
        }
        out.printf(Locale.ROOT, "file: %s%n", file);
        out.printf(Locale.ROOT, "frames: %d%n", frames);
        if (frames == 0) return;
        out.printf(Locale.ROOT, "atoms: %d (per frame %d..%d, mean %.1f)%n", atoms, minAtoms, maxAtoms, (double) atoms / frames);
        StringBuilder sp = new StringBuilder();
        for (Map.Entry<Integer, Long> e : species.entrySet()) {
            sp.append(sp.length() == 0 ? "" : ", ").append(Elements.symbol(e.getKey())).append(' ').append(e.getValue());
        }
        out.printf(Locale.ROOT, "species: %s%n", sp);
        StringBuilder pb = new StringBuilder();
        for (Map.Entry<String, Integer> e : pbcPatterns.entrySet()) {
            pb.append(pb.length() == 0 ? "" : ", ").append("pbc=\"").append(e.getKey()).append("\" ").append(e.getValue());
        }
        out.printf(Locale.ROOT, "periodicity: %s%n", pb);
        if (maxVol > 0) out.printf(Locale.ROOT, "cell volume: %.1f..%.1f Å^3%n", minVol, maxVol);
        printFields(out, "info (per frame)", info, frames);
        printFields(out, "arrays (per atom)", arrays, frames);
        if (cutoff > 0 && !neighborCounts.isEmpty()) {
            printHistogram(out, neighborCounts, neighborTotal, atoms);
        }
    }

    private static void collect(Map<String, FieldStats> stats, Map<String, Value> fields, boolean perAtom) {
        for (Map.Entry<String, Value> e : fields.entrySet()) {
            Value v = e.getValue();
            String kind = v.kind().name().toLowerCase(Locale.ROOT) + (v.isScalar() ? " scalar" : "");
            // an info table (ASE's _JSON [[...], ...], or a 3x3 stress / virial) is used as its numbers, row-major
            int width = perAtom ? v.width() : v.size();
            String table = !perAtom && v.rows() > 1 ? v.rows() + "x" + v.width() : null;
            FieldStats f = stats.computeIfAbsent(e.getKey(), k -> new FieldStats(kind, width, table));
            f.frames++;
            if (!f.kind.equals(kind) || f.width != width || !java.util.Objects.equals(f.table, table)) f.consistent = false;
        }
    }

    private static String tensorHint(FieldStats f) {
        if (!f.kind.startsWith("real") && !f.kind.startsWith("int")) return "";
        return switch (f.width) {
            case 3 -> "  Cartesian rank 1 (vector)?";
            case 9 -> "  Cartesian rank 2 (3x3)?";
            case 27 -> "  Cartesian rank 3?";
            case 81 -> "  Cartesian rank 4?";
            default -> "";
        };
    }

    private static void printFields(PrintWriter out, String title, Map<String, FieldStats> stats, int frames) {
        out.printf(Locale.ROOT, "%s:%s%n", title, stats.isEmpty() ? " none" : "");
        for (Map.Entry<String, FieldStats> e : stats.entrySet()) {
            FieldStats f = e.getValue();
            String shape = f.kind.endsWith("scalar") ? f.kind : f.kind + " [" + f.width + "]" + (f.table == null ? "" : " (" + f.table + ")");
            String presence = f.frames == frames ? "all frames" : f.frames + " of " + frames + " frames";
            out.printf(Locale.ROOT, "  %-16s %-18s %s%s%s%n", e.getKey(), shape, presence,
                f.consistent ? "" : "  (type or width varies between frames)", tensorHint(f));
        }
    }

    private void printHistogram(PrintWriter out, List<Integer> counts, long total, long atoms) {
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int c : counts) {
            min = Math.min(min, c);
            max = Math.max(max, c);
        }
        out.printf(Locale.ROOT, "neighbours within %.2f Å: mean %.2f, min %d, max %d%n", cutoff, (double) total / atoms, min, max);
        int nb = Math.min(bins, max - min + 1);
        long[] hist = new long[nb];
        double width = (max - min + 1) / (double) nb;
        for (int c : counts) hist[Math.min(nb - 1, (int) ((c - min) / width))]++;
        long peak = 0;
        for (long h : hist) peak = Math.max(peak, h);
        for (int b = 0; b < nb; b++) {
            int lo = min + (int) Math.ceil(b * width);
            int hi = min + (int) Math.ceil((b + 1) * width) - 1;
            int bar = (int) Math.round(40.0 * hist[b] / Math.max(1, peak));
            out.printf(Locale.ROOT, "  %4d..%-4d %8d %s%n", lo, hi, hist[b], "#".repeat(bar));
        }
    }
}
