package org.tensorbasis.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.structure.Structure;

/**
 * Runs the example of the README's "Java API" section (the code between the markers below is the
 * README's code block, character for character: {@link #readmeBlockIsThisCode} checks it).
 */
class ReadmeExampleTest {
    @Test
    void example() throws Exception {
        // README-EXAMPLE-BEGIN
        Path dir = Files.createTempDirectory("tensorbasis-example");
        String options = """
            seed: 1
            training_set: data/water-monomer-200/water_monomer_200.xyz
            targets:
              alpha: {unit: "a.u."}   # polarizability, 9 numbers per frame (3×3 row-major)
              mu: {unit: "a.u."}      # dipole, 3 numbers per frame
            training: {epochs: 5}
            """;
        Trainer.Result result = Trainer.fromYaml(options, Path.of(".")).train(dir.resolve("water.tbm"));
        System.out.printf("best epoch %d, validation loss %.4g%n", result.bestEpoch(), result.bestValidationLoss());

        Model model = Model.load(dir.resolve("water.tbm"));
        List<Structure> frames = ExtXyzReader.readAll(Path.of("data/water-monomer-200/water_monomer_200.xyz"));
        Prediction p = model.predict(frames.get(0));
        double[] alpha = p.tensor("alpha");                     // 9 numbers: αxx αxy αxz αyx ... αzz
        SphericalBlock l2 = p.spherical("alpha", "alpha:L2+");   // λ = 2, σ = +1: 5 numbers, μ = −2..2
        double[] mu = p.tensor("mu");                           // 3 numbers: x y z
        System.out.printf("alpha_xx %.4f, alpha L2 mu=0 %.4f, mu_x %.4f%n", alpha[0], l2.values()[2], mu[0]);
        // README-EXAMPLE-END

        assertThat(result.interrupted()).isFalse();
        assertThat(result.bestEpoch()).isBetween(1, 5);
        assertThat(alpha).hasSize(9);
        assertThat(mu).hasSize(3);
        assertThat(l2.values()).hasSize(5);
        assertThat(l2.lambda()).isEqualTo(2);
        assertThat(alpha[1]).isEqualTo(alpha[3]); // symmetric target: predicted exactly symmetric
        // the reference α_xx of frame 0 is 9.81 a.u.; 5 epochs already get within 1 a.u.
        assertThat(alpha[0]).isBetween(8.8, 10.8);
        assertThat(Files.exists(dir.resolve("water.ckpt"))).isTrue();
        assertThat(Files.exists(dir.resolve("water.train.csv"))).isTrue();
    }

    /** The README block must be exactly the code between the markers (indentation removed). */
    @Test
    void readmeBlockIsThisCode() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        List<String> block = between(readme, "<!-- README-EXAMPLE-BEGIN", "<!-- README-EXAMPLE-END");
        // the block is fenced: ```java ... ```
        assertThat(block).isNotEmpty();
        assertThat(block.get(0)).isEqualTo("```java");
        assertThat(block.get(block.size() - 1)).isEqualTo("```");
        List<String> readmeCode = block.subList(1, block.size() - 1);

        List<String> source = Files.readAllLines(Path.of("src/test/java/org/tensorbasis/api/ReadmeExampleTest.java"), StandardCharsets.UTF_8);
        List<String> testCode = dedent(between(source, "// README-EXAMPLE-" + "BEGIN", "// README-EXAMPLE-" + "END"));
        assertThat(readmeCode).isEqualTo(testCode);
    }

    private static List<String> between(List<String> lines, String begin, String end) {
        int b = -1;
        int e = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).trim();
            if (b < 0 && t.startsWith(begin)) b = i;
            else if (b >= 0 && t.startsWith(end)) {
                e = i;
                break;
            }
        }
        assertThat(b).as("marker " + begin).isGreaterThanOrEqualTo(0);
        assertThat(e).as("marker " + end).isGreaterThan(b);
        return new ArrayList<>(lines.subList(b + 1, e));
    }

    private static List<String> dedent(List<String> lines) {
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (l.isBlank()) continue;
            int k = 0;
            while (k < l.length() && l.charAt(k) == ' ') k++;
            indent = Math.min(indent, k);
        }
        List<String> out = new ArrayList<>();
        for (String l : lines) out.add(l.isBlank() ? "" : l.substring(indent));
        return out;
    }
}
