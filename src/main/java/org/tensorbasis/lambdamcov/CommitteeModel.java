package org.tensorbasis.lambdamcov;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorbasis.BadInputException;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.evaluation.Predictions;
import org.tensorbasis.modelfile.ModelFile;
import org.tensorbasis.options.Options;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.TargetLayout;

/**
 * A committee ({@code training.committee: k}): k λ-MCoV models trained on the same data from different
 * seeds; the prediction is their mean. A mean of exactly equivariant models is exactly equivariant, and
 * averaging removes the part of the error that depends on the initialisation and the batch order (the
 * members' errors are only partly correlated). Member 0 is the model a run with k = 1 trains (the run's
 * seed); member m has the seed {@link #memberSeed}.
 *
 * <p>Model file: member 0's metadata and tensors as a single model's, plus {@code committee} = k in the
 * metadata and every tensor of member m ≥ 1 under the prefix {@code member<m>/}. Prediction is in the
 * learned space (before a target transform is undone, {@code architecture.TransformedModel}).
 */
public final class CommitteeModel implements TrainedModel {
    /** Metadata key of the number of members. */
    public static final String COMMITTEE = "committee";

    private final List<LambdaMcovModel> members;

    CommitteeModel(List<LambdaMcovModel> members) {
        if (members.size() < 2) throw new IllegalArgumentException("a committee has at least 2 members");
        this.members = List.copyOf(members);
    }

    /** The seed of member m (member 0: the run's seed). */
    static long memberSeed(long seed, int m) {
        return (seed + 1_000_003L * m) & Long.MAX_VALUE;
    }

    /** The members, member 0 first. */
    public List<LambdaMcovModel> members() { return members; }

    /** The tensor-name prefix of member m ≥ 1. */
    static String prefix(int m) { return "member" + m + "/"; }

    /** Every member predicts in {@code precision}. */
    @Override
    public void setPrecision(org.tensorbasis.architecture.Precision precision) {
        for (LambdaMcovModel m : members) m.setPrecision(precision);
    }

    @Override
    public org.tensorbasis.architecture.Precision precision() { return members.get(0).precision(); }

    @Override
    public Predictions predict(List<Structure> structures, int threads) {
        Predictions sum = members.get(0).predict(structures, threads);
        for (int m = 1; m < members.size(); m++) {
            Predictions p = members.get(m).predict(structures, threads);
            for (String t : sum.targets()) {
                for (int k = 0; k < sum.size(); k++) {
                    double[] add = p.spherical(t, k);
                    sum.mapSpherical(t, k, rows -> { for (int i = 0; i < rows.length; i++) rows[i] += add[i]; });
                }
            }
        }
        double f = 1.0 / members.size();
        for (String t : sum.targets()) {
            for (int k = 0; k < sum.size(); k++) sum.mapSpherical(t, k, rows -> { for (int i = 0; i < rows.length; i++) rows[i] *= f; });
        }
        return sum;
    }

    @Override
    public String architecture() { return members.get(0).architecture(); }

    @Override
    public Options options() { return members.get(0).options(); }

    @Override
    public String optionsYaml() { return members.get(0).optionsYaml(); }

    @Override
    public Map<String, String> provenance() { return members.get(0).provenance(); }

    @Override
    public Map<String, TargetLayout> layouts() { return members.get(0).layouts(); }

    @Override
    public int[] species() { return members.get(0).species(); }

    @Override
    public String describe() {
        return "committee of " + members.size() + " (mean); each " + members.get(0).describe();
    }

    @Override
    public ModelFile.Contents contents() {
        Map<String, String> meta = new LinkedHashMap<>(members.get(0).metadata());
        meta.put(COMMITTEE, Integer.toString(members.size()));
        Map<String, ModelFile.Tensor> tensors = new LinkedHashMap<>(members.get(0).fileTensors());
        for (int m = 1; m < members.size(); m++) {
            for (Map.Entry<String, ModelFile.Tensor> e : members.get(m).fileTensors().entrySet()) tensors.put(prefix(m) + e.getKey(), e.getValue());
        }
        return new ModelFile.Contents(meta, tensors);
    }

    /**
     * The model of a file's contents: a single model, or a committee when the metadata say {@code committee}.
     * A committee's members must have the same description as member 0 (same options and data).
     */
    static TrainedModel fromContents(ModelFile.Contents c, String name, int threads) {
        String k = c.metadata().get(COMMITTEE);
        if (k == null) return LambdaMcovModel.fromContents(c, name, threads);
        int n;
        try {
            n = Integer.parseInt(k.trim());
        } catch (NumberFormatException e) {
            throw BadInputException.atField(name, COMMITTEE, "is '" + k + "', expected a number of members");
        }
        if (n < 2 || n > LambdaMcovOptions.MAX_COMMITTEE) {
            throw BadInputException.atField(name, COMMITTEE, "is " + n + ", expected 2 to " + LambdaMcovOptions.MAX_COMMITTEE + " members");
        }
        List<Map<String, ModelFile.Tensor>> parts = new ArrayList<>();
        for (int m = 0; m < n; m++) parts.add(new LinkedHashMap<>());
        for (Map.Entry<String, ModelFile.Tensor> e : c.tensors().entrySet()) {
            String key = e.getKey();
            int m = 0;
            if (key.startsWith("member")) {
                int slash = key.indexOf('/');
                try {
                    m = slash < 0 ? -1 : Integer.parseInt(key.substring(6, slash));
                } catch (NumberFormatException ex) {
                    m = -1;
                }
                if (m < 1 || m >= n) throw BadInputException.atField(name, key, "is a tensor of no member of this committee of " + n);
                key = key.substring(slash + 1);
            }
            parts.get(m).put(key, e.getValue());
        }
        List<LambdaMcovModel> members = new ArrayList<>();
        for (int m = 0; m < n; m++) {
            if (parts.get(m).isEmpty()) throw BadInputException.atField(name, prefix(m), "committee member " + m + " has no tensors");
            members.add(LambdaMcovModel.fromContents(new ModelFile.Contents(c.metadata(), parts.get(m), c.checksummed()), name, threads));
        }
        return new CommitteeModel(members);
    }

    /**
     * The λ-MCoV models of a loaded model (a target transform unwrapped, and of a model with a linear baseline its
     * network part): the model itself, or a committee's members; null for another architecture.
     */
    public static List<LambdaMcovModel> lambdaMcovModels(TrainedModel model) {
        TrainedModel m = org.tensorbasis.architecture.ResidualModel.residualOf(model); // a linear baseline's network part
        if (m instanceof CommitteeModel c) return c.members;
        return m instanceof LambdaMcovModel l ? List.of(l) : null;
    }

    /** The first λ-MCoV model of a loaded model: itself, or member 0 of a committee (e.g. for the basis diagnostics); null for another architecture. */
    public static LambdaMcovModel first(TrainedModel model) {
        List<LambdaMcovModel> all = lambdaMcovModels(model);
        return all == null ? null : all.get(0);
    }
}
