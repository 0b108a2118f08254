package org.tensorbasis.targets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.tensorbasis.BadInputException;
import org.tensorbasis.options.Options;

/**
 * The training, validation and test structures of a run. Fractions are drawn from the training
 * file by a seeded shuffle (test first, then validation); each split keeps the file's order.
 */
public record Splits(List<Sample> train, List<Sample> validation, List<Sample> test) {
    /** Reads the files of the options and splits them; empty splits are errors naming the option. */
    public static Splits of(Options options, Consumer<String> warnings) {
        List<Sample> all = SampleReader.read(options.trainingSet().file(), warnings);
        String trainName = options.trainingSet().file().toString();
        if (all.isEmpty()) throw BadInputException.inFile(trainName, "the training file holds no structures");
        int n = all.size();
        int[] perm = Shuffle.permutation(n, options.seed());
        int nTest = options.testSet().isFraction() ? (int) Math.round(options.testSet().fraction() * n) : 0;
        int nVal = options.validationSet().isFraction() ? (int) Math.round(options.validationSet().fraction() * n) : 0;
        List<Sample> test = new ArrayList<>();
        List<Sample> val = new ArrayList<>();
        List<Sample> train = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Sample s = all.get(perm[k]);
            if (k < nTest) test.add(s);
            else if (k < nTest + nVal) val.add(s);
            else train.add(s);
        }
        // keep file order inside each split (the permutation only chooses membership)
        Comparator<Sample> byFrame = Comparator.comparingInt(Sample::frame);
        test.sort(byFrame);
        val.sort(byFrame);
        train.sort(byFrame);
        if (!options.validationSet().isFraction()) val = SampleReader.read(options.validationSet().file(), warnings);
        if (!options.testSet().isFraction()) test = SampleReader.read(options.testSet().file(), warnings);
        if (train.isEmpty()) throw BadInputException.atField(trainName, "training_set", "the training split is empty");
        if (val.isEmpty()) {
            throw BadInputException.atField(options.validationSet().isFraction() ? trainName : options.validationSet().file().toString(),
                "validation_set", "the validation split is empty (it selects the best model): give a larger fraction or a file");
        }
        if (!options.testSet().isFraction() && test.isEmpty()) {
            throw BadInputException.atField(options.testSet().file().toString(), "test_set", "the test file holds no structures");
        }
        return new Splits(train, val, test);
    }

    /** Train, then validation, then test samples. */
    public List<Sample> all() {
        List<Sample> out = new ArrayList<>(train);
        out.addAll(validation);
        out.addAll(test);
        return out;
    }
}
