package org.tensorbasis.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tensorbasis.BadInputException;
import org.tensorbasis.basis.BasisDiagnostics;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.io.ExtXyzReader;
import org.tensorbasis.model.AtomBatch;
import org.tensorbasis.model.TensorModel;
import org.tensorbasis.structure.Elements;
import org.tensorbasis.structure.Structure;
import org.tensorbasis.targets.Sample;
import org.tensorbasis.architecture.Architectures;
import org.tensorbasis.architecture.TrainedModel;
import org.tensorbasis.lambdamcov.LambdaMcovModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tensorbasis diagnose MODEL DATA.xyz}: rank and condition number of every atom's tensor basis
 * (the (2λ+1) × n_basis matrix of each block), to see where the approximation degenerates — linear
 * or planar environments, centrosymmetric sites, coplanar vectors for pseudotensors (docs/model.md).
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Rank and condition number of each atom's tensor basis, per target block.",
        "An atom whose basis has rank below 2λ+1 cannot carry every component of that block."})
public final class DiagnoseCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "A model file written by train.")
    Path modelFile;

    @Parameters(index = "1", paramLabel = "DATA", description = "Structures (extended XYZ).")
    Path dataFile;

    @Option(names = "--frames", split = ",", paramLabel = "I", description = "Only these frames (0-based), e.g. --frames 0,5.")
    List<Integer> frames = new ArrayList<>();

    @Option(names = "--tolerance", defaultValue = "1e-9",
        description = "Singular values below this fraction of the atom's largest count as zero (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--atoms", description = "Print every atom, not only the rank-deficient ones.")
    boolean allAtoms;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!(tolerance > 0 && tolerance < 1)) {
            throw BadInputException.field("--tolerance", "must be in (0, 1), got " + tolerance);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TrainedModel loaded = Architectures.load(modelFile, 1);
        // the basis is the architecture's own: a target transform (log, intensive) changes only the values learned
        // a committee's members share the basis construction: member 0's is inspected
        LambdaMcovModel model = org.tensorbasis.lambdamcov.CommitteeModel.first(loaded);
        if (model == null) {
            throw BadInputException.inFile(modelFile.toString(), "diagnose inspects the tensor basis of lambda_mcov models; this model's architecture is "
                + loaded.architecture());
        }
        List<Structure> all = new ArrayList<>();
        List<Sample> samples = new ArrayList<>();
        try (ExtXyzReader r = new ExtXyzReader(dataFile, w -> { err.println(w); err.flush(); })) {
            int f = 0;
            while (r.hasNext()) {
                Structure s = r.next();
                all.add(s);
                samples.add(new Sample(s, dataFile.toString(), f++));
            }
        }
        if (all.isEmpty()) throw BadInputException.inFile(dataFile.toString(), "no structures");
        List<Integer> which = new ArrayList<>();
        if (frames.isEmpty()) {
            for (int i = 0; i < all.size(); i++) which.add(i);
        } else {
            for (int f : frames) {
                if (f < 0 || f >= all.size()) {
                    throw BadInputException.atFrame(dataFile.toString(), f, "--frames", "no such frame (the file has " + all.size() + ")");
                }
                which.add(f);
            }
        }
        List<Structure> chosen = new ArrayList<>();
        List<Sample> chosenSamples = new ArrayList<>();
        for (int f : which) {
            chosen.add(all.get(f));
            chosenSamples.add(samples.get(f));
        }
        model.checkInput(chosenSamples);
        FeatureCache cache = model.features(chosen, Runtime.getRuntime().availableProcessors());
        TensorModel net = model.network();
        int nb = net.blocks().size();
        long[] atoms = new long[nb];
        long[] deficient = new long[nb];
        double[] worst = new double[nb];
        out.printf(Locale.ROOT, "%-6s %-5s %-3s %-16s %-9s %s%n", "frame", "atom", "Z", "block", "rank", "condition");
        for (int k = 0; k < chosen.size(); k++) {
            AtomBatch batch = model.batch(cache, new int[] {k}, chosen);
            Structure s = chosen.get(k);
            net.forward(batch);
            for (int b = 0; b < nb; b++) {
                TensorModel.Block bl = net.blocks().get(b);
                BasisDiagnostics.Result[] res = net.diagnostics(b, tolerance);
                for (int i = 0; i < res.length; i++) {
                    atoms[b]++;
                    boolean full = res[i].rank() == bl.dim();
                    if (!full) deficient[b]++;
                    if (full) worst[b] = Math.max(worst[b], res[i].conditionNumber());
                    if (allAtoms || !full) {
                        out.printf(Locale.ROOT, "%-6d %-5d %-3s %-16s %-9s %.3e%n", which.get(k), i, Elements.symbol(s.number(i)), bl.name(),
                            res[i].rank() + "/" + bl.dim(), res[i].conditionNumber());
                    }
                }
            }
        }
        out.println("summary (per block: atoms with a full-rank basis, worst condition number among them):");
        for (int b = 0; b < nb; b++) {
            TensorModel.Block bl = net.blocks().get(b);
            out.printf(Locale.ROOT, "  %-16s %d of %d atoms full rank (2λ+1 = %d), %d deficient, worst condition %.3e%n", bl.name(),
                atoms[b] - deficient[b], atoms[b], bl.dim(), deficient[b], worst[b]);
        }
        out.flush();
        return 0;
    }
}
