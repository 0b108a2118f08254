package org.tensorbasis.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tensorbasis.BadInputException;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;

/**
 * {@link Model#predictFlat} and {@link Model#predictFlatSpherical} (the entry point of the Python
 * package) give exactly the numbers of {@link Model#predict(List)}, for molecules and periodic cells,
 * per-structure, per-atom and spherical targets.
 */
class ModelFlatTest {
    static final Path DIR = Path.of("src/test/resources/fixtures/lambda-mcov-v1");
    static Model model;
    static List<Structure> structures;

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(DIR.resolve("model.tbm"));
        List<Structure> read = ExtXyzReader.readAll(DIR.resolve("water40.xyz"));
        structures = new ArrayList<>();
        for (int k = 0; k < read.size(); k++) {
            Structure s = read.get(k);
            structures.add(new Structure(s.numbers(), s.positions()));
            if (k % 3 == 0) {
                // the same molecule in a periodic triclinic box, big enough for the cutoff
                double[] v = {9.0, 0, 0, 0.5, 9.5, 0, 0.3, -0.2, 10.0};
                structures.add(new Structure(s.numbers(), s.positions(), new Cell(v, new boolean[] {true, true, k % 2 == 0}), null, null));
            }
        }
    }

    record Flat(int[] counts, int[] numbers, double[] positions, double[] cells, boolean[] pbc) {}

    static Flat flatten(List<Structure> list) {
        int atoms = 0;
        for (Structure s : list) atoms += s.size();
        Flat f = new Flat(new int[list.size()], new int[atoms], new double[3 * atoms], new double[9 * list.size()], new boolean[3 * list.size()]);
        int a = 0;
        for (int k = 0; k < list.size(); k++) {
            Structure s = list.get(k);
            f.counts[k] = s.size();
            System.arraycopy(s.numbers(), 0, f.numbers, a, s.size());
            System.arraycopy(s.positions(), 0, f.positions, 3 * a, 3 * s.size());
            if (s.hasCell()) {
                System.arraycopy(s.cell().vectors(), 0, f.cells, 9 * k, 9);
                System.arraycopy(s.cell().pbc(), 0, f.pbc, 3 * k, 3);
            }
            a += s.size();
        }
        return f;
    }

    @Test
    void flatPredictionsEqualThoseOfTheStructureApi() {
        List<Prediction> expected = model.predict(structures);
        Flat f = flatten(structures);
        double[][] got = model.predictFlat(f.counts, f.numbers, f.positions, f.cells, f.pbc);
        double[][] sph = model.predictFlatSpherical(f.counts, f.numbers, f.positions, f.cells, f.pbc);
        List<String> targets = model.targets();
        assertThat(targets).contains("mu", "alpha", "sig", "mu_sph");
        assertThat(got.length).isEqualTo(targets.size());
        int b = 0;
        for (int t = 0; t < targets.size(); t++) {
            String name = targets.get(t);
            List<Double> want = new ArrayList<>();
            for (Prediction p : expected) for (double x : p.tensor(name)) want.add(x);
            assertThat(got[t]).as(name).containsExactly(want.stream().mapToDouble(Double::doubleValue).toArray());
            for (String block : model.blocks(name)) {
                List<Double> wb = new ArrayList<>();
                for (Prediction p : expected) for (double x : p.spherical(name, block).values()) wb.add(x);
                assertThat(sph[b++]).as(block).containsExactly(wb.stream().mapToDouble(Double::doubleValue).toArray());
            }
        }
        assertThat(sph.length).isEqualTo(b);
        assertThat(model.isPerAtom("sig")).isTrue();
        assertThat(got[targets.indexOf("sig")]).hasSize(9 * f.numbers.length);
    }

    @Test
    void withoutCellsEveryFrameIsAMolecule() {
        List<Structure> molecules = structures.stream().filter(s -> !s.hasCell()).toList();
        Flat f = flatten(molecules);
        double[][] a = model.predictFlat(f.counts, f.numbers, f.positions, null, null);
        double[][] b = model.predictFlat(f.counts, f.numbers, f.positions, f.cells, f.pbc);
        for (int t = 0; t < a.length; t++) assertThat(a[t]).containsExactly(b[t]);
        assertThat(model.predictFlat(new int[0], new int[0], new double[0], null, null)[0]).isEmpty();
    }

    @Test
    void inconsistentArraysAndBadFramesNameTheProblem() {
        Flat f = flatten(structures.subList(0, 3));
        assertThatThrownBy(() -> model.predictFlat(new int[] {3, 3}, f.numbers, f.positions, null, null))
            .isInstanceOf(BadInputException.class).hasMessageContaining("numbers");
        assertThatThrownBy(() -> model.predictFlat(f.counts, f.numbers, new double[3], null, null))
            .isInstanceOf(BadInputException.class).hasMessageContaining("positions");
        assertThatThrownBy(() -> model.predictFlat(f.counts, f.numbers, f.positions, new double[9], new boolean[3]))
            .isInstanceOf(BadInputException.class).hasMessageContaining("cells");
        double[] cells = new double[9 * f.counts.length];
        boolean[] pbc = new boolean[3 * f.counts.length];
        pbc[3] = true; // frame 1 periodic along a zero vector
        assertThatThrownBy(() -> model.predictFlat(f.counts, f.numbers, f.positions, cells, pbc))
            .isInstanceOf(BadInputException.class).hasMessageContaining("frame 1");
        int[] numbers = f.numbers.clone();
        numbers[4] = 79; // gold: not in the model
        assertThatThrownBy(() -> model.predictFlat(f.counts, numbers, f.positions, null, null))
            .isInstanceOf(BadInputException.class).hasMessageContaining("frame 1");
    }
}
