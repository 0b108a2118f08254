package org.tensorbasis.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.equivariant.Rotations;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.lambdamcov.LambdaMcovModel;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Structure;

/**
 * {@code model.position_basis}: the blocks it names get position elements, the model file records them, a loaded model
 * predicts the same, predictions rotate with the molecule and do not move with it, and periodic structures predict.
 */
class PositionBasisTrainingTest {
    @TempDir
    static Path dir;
    static LambdaMcovModel trained;
    static Path file;
    static List<Structure> structures;

    @BeforeAll
    static void train() throws IOException {
        Path opts = Fixtures.setUp(dir, 2, null);
        String yaml = Files.readString(opts).replace("model:\n", "model:\n  position_basis: [1, 2]\n");
        Files.writeString(opts, yaml);
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(dir.resolve("m.tbm"));
        trained = (LambdaMcovModel) new Trainer(Options.load(opts), dir, null).train(out, null).model();
        file = out.model();
        structures = ExtXyzReader.readAll(dir.resolve("water40.xyz"));
    }

    @Test
    void theProperPerStructureBlocksOfTheListedOrdersHavePositionElements() {
        List<String> with = new ArrayList<>();
        for (int b = 0; b < trained.network().blocks().size(); b++) {
            if (trained.network().basis(b).usesPosition()) with.add(trained.network().blocks().get(b).name());
        }
        // mu (λ = 1) and the λ = 2 part of alpha; not λ = 0 nor the σ = −1 part of the general rank-2 alpha
        assertThat(with).containsExactlyInAnyOrder("mu:L1+", "alpha:L2+");
        assertThat(ModelFile.read(file).metadata().get("model")).contains("\"position_blocks\":[");
    }

    @Test
    void aLoadedModelPredictsBitIdentically() {
        LambdaMcovModel loaded = LambdaMcovModel.load(file, 1);
        Predictions a = trained.predict(structures, 2);
        Predictions b = loaded.predict(structures, 1);
        for (String t : a.targets()) {
            for (int k = 0; k < structures.size(); k++) assertThat(b.values(t, k)).as(t + " " + k).isEqualTo(a.values(t, k));
        }
    }

    @Test
    void predictionsRotateWithTheMoleculeAndIgnoreTranslations() {
        SplittableRandom rng = new SplittableRandom(5);
        List<Structure> some = structures.subList(0, 6);
        Predictions ref = trained.predict(some, 1);
        double[] r = Rotations.improper(Rotations.random(rng));
        List<Structure> moved = new ArrayList<>();
        for (Structure s : some) {
            double[] p = Rotations.apply(r, s.positions());
            for (int i = 0; i < p.length; i++) p[i] += 10 * (i % 3 + 1);
            moved.add(s.withGeometry(p, null));
        }
        Predictions got = trained.predict(moved, 1);
        for (int k = 0; k < some.size(); k++) {
            double[] mu = ref.values("mu", k);
            double[] expect = Rotations.apply(r, mu);  // a polar vector: rotated by the improper rotation itself
            double[] mu2 = got.values("mu", k);
            for (int i = 0; i < 3; i++) assertThat(mu2[i]).isCloseTo(expect[i], org.assertj.core.api.Assertions.within(1e-12 * (1 + Math.abs(expect[i]))));
            // alpha: R α Rᵀ
            double[] a = ref.values("alpha", k);
            double[] a2 = got.values("alpha", k);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double e = 0;
                    for (int p = 0; p < 3; p++) for (int q = 0; q < 3; q++) e += r[3 * i + p] * a[3 * p + q] * r[3 * j + q];
                    assertThat(a2[3 * i + j]).isCloseTo(e, org.assertj.core.api.Assertions.within(1e-12 * (1 + Math.abs(e))));
                }
            }
        }
    }

    @Test
    void inPeriodicStructuresThePositionElementsAreZeroSoWrappingAnAtomChangesNothing() {
        // the molecule in a periodic 20 Å box; its first atom shifted by a lattice vector is the same crystal, but the
        // centroid of the atoms moves by 20/3 Å: had the position elements not been zero there, mu would change
        Structure mol = structures.get(0);
        Cell box = Cell.periodic(new double[] {20, 0, 0, 0, 20, 0, 0, 0, 20});
        double[] p = mol.positions();
        p[0] += 20;
        Structure boxed = mol.withGeometry(mol.positions(), box);
        Structure wrapped = mol.withGeometry(p, box);
        Predictions a = trained.predict(List.of(boxed, wrapped), 1);
        double[] m0 = a.values("mu", 0);
        double[] m1 = a.values("mu", 1);
        for (int i = 0; i < 3; i++) assertThat(m1[i]).isCloseTo(m0[i], org.assertj.core.api.Assertions.within(1e-12 * (1 + Math.abs(m0[i]))));
        // the free molecule's mu has the position part, the boxed one not: they differ
        assertThat(trained.predict(List.of(mol), 1).values("mu", 0)).isNotEqualTo(m0);
    }

    @Test
    void filesWrittenBeforeThePositionElementsLoadWithout(@TempDir Path tmp) throws IOException {
        Path opts = Fixtures.setUp(tmp, 1, null);
        Files.writeString(opts, Files.readString(opts).replace("model:\n", "model:\n  position_basis: false\n"));
        TrainingSession.Outputs out = TrainingSession.Outputs.forModel(tmp.resolve("old.tbm"));
        LambdaMcovModel plain = (LambdaMcovModel) new Trainer(Options.load(opts), tmp, null).train(out, null).model();
        // an older file: neither the option in its embedded options nor the key in its description
        ModelFile.Contents c = ModelFile.read(out.model());
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put("options", meta.get("options").replaceAll("(?m)^  position_basis: .*\\n", "").replace("model:\n", "model:\n  position_basis: true\n"));
        meta.put("model", meta.get("model").replaceAll(",?\"position_blocks\":\\[[^\\]]*\\]", ""));
        assertThat(meta.get("model")).doesNotContain("position_blocks");
        Path old = tmp.resolve("older.tbm");
        ModelFile.write(old, meta, c.tensors());
        LambdaMcovModel loaded = LambdaMcovModel.load(old, 1);
        for (int b = 0; b < loaded.network().blocks().size(); b++) assertThat(loaded.network().basis(b).usesPosition()).isFalse();
        Predictions p1 = plain.predict(structures.subList(0, 4), 1);
        Predictions p2 = loaded.predict(structures.subList(0, 4), 1);
        for (int k = 0; k < 4; k++) assertThat(p2.values("mu", k)).isEqualTo(p1.values("mu", k));
    }
}
