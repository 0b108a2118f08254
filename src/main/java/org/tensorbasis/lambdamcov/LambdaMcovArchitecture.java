package org.tensorbasis.lambdamcov;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tensorbasis.architecture.Architecture;
import org.tensorbasis.architecture.ResidualModel;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.architecture.TrainingData;
import org.tensorbasis.architecture.TrainingOutcome;
import org.tensorbasis.architecture.TrainingSession;
import org.tensorbasis.modelfile.ModelFile;

/**
 * λ-MCoV (Domina et al., arXiv 2505.05404): per-atom invariant coefficients from a SOAP power
 * spectrum and per-species scalar networks, times an exactly equivariant tensor basis built from
 * each environment, summed over atoms. Options: {@link LambdaMcovOptions}; model: {@link
 * LambdaMcovModel}; training loop: {@link LambdaMcovTrainer}.
 */
public final class LambdaMcovArchitecture implements Architecture {
    @Override
    public String name() { return LambdaMcovOptions.NAME; }

    @Override
    public TrainingOutcome train(TrainingData data, TrainingSession session) throws IOException {
        LambdaMcovOptions hy = LambdaMcovOptions.of(data.options());
        List<String> baseline = hy.model().linearBaselineFor(data.blocks());
        if (hy.model().linearBaselineAuto()) session.listener().message(hy.model().describeLinearBaseline(data.blocks()));
        if (baseline.isEmpty()) return trainNetwork(data, session, hy.training().committee());
        new LambdaMcovTrainer(data, session).checkFits(); // the network's memory first: the baseline can take minutes
        // auto: the kernel takes the axial blocks alone (a network on its residual overfitted them on few structures)
        LinearBaseline.Fit fit = LinearBaseline.fit(data, session, baseline, hy.model().linearBaselineAuto());
        if (fit == null) {
            session.listener().message("stopped while fitting the linear baseline (nothing to resume: run it again)");
            return new TrainingOutcome(null, 0, Double.NaN, true);
        }
        TrainingOutcome out = trainNetwork(fit.residualData(), session, hy.training().committee());
        if (out.interrupted()) return out;
        return new TrainingOutcome(new ResidualModel(fit.model(), out.model(), fit.blocks()), out.bestEpoch(), out.bestValidationLoss(), false);
    }

    /** One network, or a committee of k, on the data's values. */
    private static TrainingOutcome trainNetwork(TrainingData data, TrainingSession session, int k) throws IOException {
        if (k == 1) return new LambdaMcovTrainer(data, session).train();
        return trainCommittee(data, session, k);
    }

    /**
     * Trains the k members one after the other on the same data and splits, member m with the seed
     * {@link CommitteeModel#memberSeed}; member m ≥ 1 writes its checkpoint and epoch table beside the model
     * as X.member&lt;m&gt;.ckpt and X.member&lt;m&gt;.train.csv. The outcome's best epoch and validation loss are
     * member 0's; the committee's own validation metrics are computed by the caller from its predictions.
     */
    private static TrainingOutcome trainCommittee(TrainingData data, TrainingSession session, int k) throws IOException {
        if (session.restart() != null) {
            throw org.tensorbasis.BadInputException.option(null, -1, "training.committee",
                "is " + k + ": a committee cannot be resumed from a checkpoint (--restart); train it again, or resume with committee: 1");
        }
        List<LambdaMcovModel> members = new ArrayList<>();
        TrainingOutcome first = null;
        for (int m = 0; m < k; m++) {
            long seed = CommitteeModel.memberSeed(data.options().seed(), m);
            TrainingData dm = new TrainingData(data.options().withSeed(seed), data.optionsYaml(), data.provenance(), data.splits(),
                data.species(), data.layouts(), data.blocks(), data.normalization(), data.values(), data.threads());
            TrainingSession.Listener outer = session.listener();
            String tag = "committee member " + (m + 1) + "/" + k + " (seed " + seed + "): ";
            outer.message(tag + "training");
            TrainingSession.Outputs o = session.outputs();
            TrainingSession.Outputs om = m == 0 ? o : memberOutputs(o, m);
            TrainingOutcome out = new LambdaMcovTrainer(dm, new TrainingSession() {
                @Override public Outputs outputs() { return om; }
                @Override public Listener listener() {
                    return new Listener() {
                        @Override public void message(String line) { outer.message(tag + line); }
                        @Override public void progress(int epoch, int epochs, int batch, int batches) { outer.progress(epoch, epochs, batch, batches); }
                        @Override public void epoch(EpochReport report) { outer.epoch(report); }
                        @Override public void timing(String phase, java.util.Map<String, Double> seconds) { outer.timing(phase, seconds); }
                    };
                }
                @Override public java.nio.file.Path restart() { return null; }
                @Override public boolean stopRequested() { return session.stopRequested(); }
            }).train();
            if (out.interrupted()) return out; // stopped: the member's checkpoint is written, no committee model
            if (first == null) first = out;
            members.add((LambdaMcovModel) out.model());
        }
        return new TrainingOutcome(new CommitteeModel(members), first.bestEpoch(), first.bestValidationLoss(), false);
    }

    private static TrainingSession.Outputs memberOutputs(TrainingSession.Outputs o, int m) {
        java.nio.file.Path dir = o.model().toAbsolutePath().getParent();
        String name = o.model().getFileName().toString();
        String stem = name.endsWith(".tbm") ? name.substring(0, name.length() - 4) : name;
        String s = stem + ".member" + m;
        return new TrainingSession.Outputs(o.model(), dir.resolve(s + ".ckpt"), dir.resolve(s + ".train.csv"), o.options());
    }

    @Override
    public TrainedModel load(ModelFile.Contents contents, String fileName, int threads) {
        return CommitteeModel.fromContents(contents, fileName, Math.max(1, threads));
    }
}
