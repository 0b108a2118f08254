import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorbasis.targets.Shuffle;

/**
 * Writes the test split of a run with fractions (seed, test fraction) as its own extended-XYZ file, frames copied
 * verbatim in file order: the frames `tensorbasis train` holds out (targets.Splits: the first round(f·n) of
 * Shuffle.permutation(n, seed)). Run with the project's jar on the class path:
 *   java -cp target/tensorbasis.jar scripts/eps/TestSplit.java IN.xyz SEED FRACTION OUT.xyz
 */
public class TestSplit {
    public static void main(String[] a) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(a[0]), StandardCharsets.UTF_8);
        List<int[]> frames = new ArrayList<>(); // [first line, line count]
        for (int i = 0; i < lines.size(); ) {
            if (lines.get(i).isBlank()) { i++; continue; }
            int n = Integer.parseInt(lines.get(i).trim());
            frames.add(new int[] {i, n + 2});
            i += n + 2;
        }
        int n = frames.size();
        int[] perm = Shuffle.permutation(n, Long.parseLong(a[1]));
        int nTest = (int) Math.round(Double.parseDouble(a[2]) * n);
        boolean[] test = new boolean[n];
        for (int k = 0; k < nTest; k++) test[perm[k]] = true;
        List<String> out = new ArrayList<>();
        for (int f = 0; f < n; f++) if (test[f]) out.addAll(lines.subList(frames.get(f)[0], frames.get(f)[0] + frames.get(f)[1]));
        Files.write(Path.of(a[3]), out, StandardCharsets.UTF_8);
        System.out.println(nTest + " of " + n + " frames written to " + a[3]);
    }
}
