package org.tensorbasis.neighbors;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Elements;
import org.tensorbasis.structure.Structure;

/**
 * Test-only reader for simple extended-XYZ files (species and positions first, an optional
 * {@code Lattice="..."} meaning pbc T T T). Not the project's reader: just enough for the shared
 * water boxes until {@code io.ExtXyzReader} is merged.
 */
final class SimpleXyz {
    private static final Pattern LATTICE = Pattern.compile("Lattice=\"([^\"]*)\"");

    private SimpleXyz() {}

    static List<Structure> read(Path file, int maxFrames) throws IOException {
        List<Structure> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String line;
            while (out.size() < maxFrames && (line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                int n = Integer.parseInt(line.trim());
                String header = r.readLine();
                Cell cell = null;
                Matcher m = LATTICE.matcher(header);
                if (m.find()) {
                    String[] t = m.group(1).trim().split("\\s+");
                    double[] v = new double[9];
                    for (int k = 0; k < 9; k++) v[k] = Double.parseDouble(t[k]);
                    cell = Cell.periodic(v);
                }
                int[] z = new int[n];
                double[] pos = new double[3 * n];
                for (int i = 0; i < n; i++) {
                    String[] t = r.readLine().trim().split("\\s+");
                    z[i] = Elements.atomicNumber(t[0]);
                    for (int k = 0; k < 3; k++) pos[3 * i + k] = Double.parseDouble(t[1 + k]);
                }
                out.add(new Structure(z, pos, cell, null, null));
            }
        }
        return out;
    }
}
