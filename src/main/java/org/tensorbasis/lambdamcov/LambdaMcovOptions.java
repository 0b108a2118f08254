package org.tensorbasis.lambdamcov;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorbasis.basis.TensorBasis.PseudoMode;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.model.ScalarNetworks;
import org.tensorbasis.options.ArchitectureOptions;
import org.tensorbasis.options.Options;
import org.tensorbasis.options.OptionsNode;
import org.tensorbasis.options.Section;
import org.tensorbasis.options.SoapOptions;

/**
 * Hyper-parameters of the λ-MCoV architecture ({@code model.architecture: lambda_mcov}, the
 * default): descriptor, scalar network and tensor basis in {@code model}, the Adam loop, schedule,
 * normalisation and head refit in {@code training}. Every option is declared once, in {@link Parser}
 * (documented in {@code docs/options.md}, checked against these declarations by {@code OptionsTest}).
 */
public record LambdaMcovOptions(ModelOptions model, TrainingOptions training) implements ArchitectureOptions {
    public static final String NAME = "lambda_mcov";

    /**
     * {@code model.scalar_network: auto} takes one network per element up to this many centre elements
     * (every earlier result unchanged) and the shared network above.
     */
    public static final int AUTO_MAX_PER_ELEMENT = 8;

    /** Default d of the element embedding of the shared scalar network ({@code model.element_embedding}). */
    public static final int DEFAULT_ELEMENT_EMBEDDING = 16;

    /**
     * {@code model.linear_baseline: auto}'s kernel: ζ, element coupling and the most sparse points per element (fewer
     * when the kernel would not fit: linear_ridge's {@code model.kernel.shrink_to_fit}).
     * Measured on the 64-element Born charges' axial block (docs/results.md, "A joint kernel for the axial part of Born
     * charges"): the network's σ = −1 bases stay at ≈ 100 % there, this kernel under them reaches 69 %.
     */
    public static final int AUTO_KERNEL_ZETA = 2;
    public static final double AUTO_KERNEL_COUPLING = 0.5;
    public static final int AUTO_KERNEL_POINTS = 70;

    /** Default cutoff of the linear baseline: linear_ridge's own default. */
    static final double BASELINE_CUTOFF = org.tensorbasis.descriptors.DescriptorSettings.DEFAULT_CUTOFF;

    /** The values of {@code model.scalar_network}. */
    static final List<String> SCALAR_NETWORKS = List.of("auto", ScalarNetworks.Mode.PER_ELEMENT.option(), ScalarNetworks.Mode.SHARED.option());

    /**
     * Model hyper-parameters.
     *
     * @param scalarNetwork    {@code auto}, {@code per_element} or {@code shared} (resolved by {@link #scalarNetworkFor})
     * @param elementEmbedding d of the shared network's element embedding
     * @param linearBaseline   targets first fitted by a linear ridge, the network learning its residual (empty: none, or
     *                         {@code auto}: resolved by {@link #linearBaselineFor})
     * @param linearBaselineAuto {@code model.linear_baseline: auto}: the λ = 1, σ = −1 blocks of per-atom targets
     * @param baselineKernelPoints sparse points per element of a kernel baseline; 0: {@code auto} (at most
     *                         {@link #AUTO_KERNEL_POINTS}, fewer when the kernel would not fit in the heap)
     */
    public record ModelOptions(double cutoff, double cutoffWidth, int maxRadial, int maxAngular,
                               org.tensorbasis.descriptors.PowerSpectrumForm powerSpectrum,
                               int width, int depth, boolean addLambdaBasis, PseudoMode pseudotensorBasis, boolean normalizeBasis,
                               org.tensorbasis.descriptors.SpeciesMixing.Mode speciesChannels, int pseudoSpecies,
                               String scalarNetwork, int elementEmbedding, List<String> linearBaseline, boolean linearBaselineAuto,
                               org.tensorbasis.options.PositionBasisOption positionBasis, int baselineKernelZeta,
                               double baselineKernelCoupling, int baselineKernelPoints, double baselineCutoff) {
        public SoapOptions soap() {
            return new SoapOptions(cutoff, cutoffWidth, maxRadial, maxAngular, powerSpectrum, speciesChannels, pseudoSpecies);
        }

        /**
         * Whether a block gets position elements ({@code model.position_basis}): per-structure, σ = +1 blocks whose λ is
         * listed ({@code auto} lists every order; {@link #positionBlocksFor} resolves it for a training set).
         */
        public boolean positionElements(boolean perAtom, int lambda, int sigma) {
            return positionBasis.covers(perAtom, lambda, sigma);
        }

        /**
         * {@code position_basis: auto} resolved for a training set: null (the options decide) unless the option is
         * {@code auto} and every training structure is periodic, where the elements would be zero: then none.
         */
        public java.util.Set<String> positionBlocksFor(List<org.tensorbasis.structure.Structure> training) {
            return positionBasis.noneFor(training) ? java.util.Set.of() : null;
        }

        /**
         * The baseline's entries for a run's blocks: the option's list, or with {@code auto} the λ = 1, σ = −1 blocks of
         * per-atom targets (axial vectors, e.g. the antisymmetric part of Born charges or shielding tensors), which the
         * network's σ = −1 bases do not learn (docs/model.md, "Why the σ = −1 basis fails on crystals").
         */
        public List<String> linearBaselineFor(List<org.tensorbasis.targets.ModelBlock> blocks) {
            if (!linearBaselineAuto) return linearBaseline;
            List<String> out = new java.util.ArrayList<>();
            for (org.tensorbasis.targets.ModelBlock mb : blocks) {
                if (mb.perAtom() && mb.lambda() == 1 && mb.sigma() == -1) out.add(mb.name());
            }
            return List.copyOf(out);
        }

        /** One line for the training log: what {@code linear_baseline: auto} chose for these blocks, and why. */
        public String describeLinearBaseline(List<org.tensorbasis.targets.ModelBlock> blocks) {
            List<String> b = linearBaselineFor(blocks);
            if (b.isEmpty()) return "linear baseline: none (linear_baseline: auto; no per-atom λ = 1, σ = −1 block)";
            String model = baselineKernelZeta > 0
                ? String.format(java.util.Locale.ROOT, "a λ-SOAP kernel (ζ = %d, %s, %s sparse points per element)", baselineKernelZeta,
                    baselineKernelCoupling > 0 ? "one joint kernel, element coupling " + Options.fmt(baselineKernelCoupling) : "one kernel per element",
                    baselineKernelPoints == 0 ? "at most " + AUTO_KERNEL_POINTS : String.valueOf(baselineKernelPoints))
                : "a linear ridge on λ-SOAP features";
            return "linear baseline: " + String.join(", ", b) + " by " + model + " (linear_baseline: auto: per-atom axial blocks, "
                + "which the network's σ = −1 basis does not learn; false turns it off)";
        }

        /** The scalar networks of a training set with {@code elements} centre elements: {@code auto} resolved. */
        public ScalarNetworks.Mode scalarNetworkFor(int elements) {
            if (!scalarNetwork.equals("auto")) return ScalarNetworks.Mode.of(scalarNetwork);
            return elements <= AUTO_MAX_PER_ELEMENT ? ScalarNetworks.Mode.PER_ELEMENT : ScalarNetworks.Mode.SHARED;
        }

        /** One line for the training log: which scalar networks a run with {@code elements} centre elements uses, and why. */
        public String describeScalarNetwork(int elements) {
            ScalarNetworks.Mode m = scalarNetworkFor(elements);
            String why = scalarNetwork.equals("auto")
                ? ", " + (m == ScalarNetworks.Mode.SHARED ? "more than " : "at most ") + AUTO_MAX_PER_ELEMENT + " elements" : "";
            return m == ScalarNetworks.Mode.SHARED
                ? String.format(java.util.Locale.ROOT, "scalar network: one shared by %d elements, element embedding d = %d (scalar_network: %s%s)",
                    elements, elementEmbedding, scalarNetwork, why)
                : String.format(java.util.Locale.ROOT, "scalar network: one per element, %d elements (scalar_network: %s%s)", elements, scalarNetwork, why);
        }
    }

    /** Training hyper-parameters. */
    public record TrainingOptions(int epochs, int batchSize, double learningRate, double warmupFraction, String scheduler,
                                  double plateauFactor, int plateauPatience, Map<String, Double> lossWeights,
                                  int checkpointInterval, int logInterval, boolean compositionBaseline, boolean refineHeads,
                                  boolean perSpeciesScale, double speciesScalePrior, int committee, boolean refitValidation,
                                  String featureCache) {}

    /** Largest {@code training.committee}. */
    public static final int MAX_COMMITTEE = 32;

    /** Every default (the options of a file that gives no model or training section). */
    public static LambdaMcovOptions defaults() {
        return (LambdaMcovOptions) new Parser().parse(Section.of("defaults", "model", null), Section.of("defaults", "training", null), Set.of());
    }

    /** The same options with another number of epochs and no periodic checkpoints (e.g. {@code bench refit}). */
    public LambdaMcovOptions withEpochs(int epochs) {
        TrainingOptions t = training;
        return new LambdaMcovOptions(model, new TrainingOptions(epochs, t.batchSize(), t.learningRate(), t.warmupFraction(), t.scheduler(),
            t.plateauFactor(), t.plateauPatience(), t.lossWeights(), 0, t.logInterval(), t.compositionBaseline(), t.refineHeads(),
            t.perSpeciesScale(), t.speciesScalePrior(), t.committee(), t.refitValidation(), t.featureCache()));
    }

    /** The λ-MCoV options of a run (a clear error if the options are for another architecture). */
    public static LambdaMcovOptions of(Options options) {
        return options.hypers(LambdaMcovOptions.class);
    }

    @Override
    public String architecture() { return NAME; }

    @Override
    public boolean compositionBaseline() { return training.compositionBaseline(); }

    @Override
    public boolean perSpeciesScale() { return training.perSpeciesScale(); }

    @Override
    public double speciesScalePrior(int elements) {
        double p = training.speciesScalePrior();
        return Double.isNaN(p) ? ArchitectureOptions.autoSpeciesScalePrior(elements) : p;
    }

    @Override
    public double cutoff() { return model.cutoff(); }

    @Override
    public int epochs() { return training.epochs(); }

    @Override
    public int logInterval() { return training.logInterval(); }

    /** Loss weight of a target (default 1). */
    public double lossWeight(String target) {
        return training.lossWeights().getOrDefault(target, 1.0);
    }

    static final SoapOptions DEFAULT_SOAP = new SoapOptions(DescriptorSettings.DEFAULT_CUTOFF, DescriptorSettings.DEFAULT_WIDTH,
        DescriptorSettings.DEFAULT_MAX_RADIAL, DescriptorSettings.DEFAULT_MAX_ANGULAR, DescriptorSettings.DEFAULT_FORM);

    /** Declares and reads every λ-MCoV option. */
    public static final class Parser implements ArchitectureOptions.Parser {
        @Override
        public String architecture() { return NAME; }

        @Override
        public ArchitectureOptions parse(Section m, Section t, Set<String> targets) {
            SoapOptions soap = SoapOptions.parse(m, DEFAULT_SOAP);
            Section b = m.section("bpnn", "Scalar network");
            int depth = b.integer("num_hidden_layers", 2, 1, 8, "Depth of the per-species scalar network (LayerNorm → Linear → SiLU per layer).");
            int width = b.integer("num_neurons_per_layer", 128, 1, 4096, "Width of each hidden layer.");
            b.finish();
            String sn = m.choice("scalar_network", "auto", SCALAR_NETWORKS, "auto: one network per element up to " + AUTO_MAX_PER_ELEMENT
                + " centre elements, one shared network (conditioned on a learned element embedding) above.");
            int emb = m.integer("element_embedding", DEFAULT_ELEMENT_EMBEDDING, 1, 256,
                "Size d of the learned element embedding of the shared scalar network.");
            if (m.has("element_embedding") && sn.equals(ScalarNetworks.Mode.PER_ELEMENT.option())) {
                throw m.error("element_embedding", "has no effect with scalar_network: per_element (use shared or auto)");
            }
            boolean lb = m.bool("add_lambda_basis", true, "Adds the λ correction (a learned map of the order-λ expansion) for λ ≥ 2.");
            PseudoMode pm = PseudoMode.of(m.choice("pseudotensor_basis", "axial",
                java.util.Arrays.stream(PseudoMode.values()).map(PseudoMode::option).toList(), "Basis of σ = −1 blocks."));
            boolean nbas = m.bool("normalize_basis", true, "Scale every basis element to unit RMS per centre species before training.");
            OptionsNode lbNode = m.raw("linear_baseline", "auto, false, true or a list of targets and blocks", "auto",
                "Fit these targets first with the linear_ridge architecture at its defaults (λ-SOAP features, ridge chosen on the "
                + "validation set) and train the network on what it leaves; the model predicts the sum (true: every target; a block "
                + "name such as ms:L1- takes that block only; auto: the λ = 1, σ = −1 blocks of per-atom targets, by a joint kernel).");
            boolean lbAuto = lbNode == null || lbNode.isScalar() && "auto".equals(lbNode.text());
            List<String> base = lbAuto ? List.of() : linearBaseline(lbNode, targets);
            boolean anyBase = lbAuto || !base.isEmpty();
            org.tensorbasis.options.PositionBasisOption pb = org.tensorbasis.options.PositionBasisOption.parse(m,
                "Per-structure proper (σ = +1) blocks of these orders also get position elements, built from the atom's position r "
                + "relative to the centroid of its structure (zero in periodic structures): λ = 1 [r] (a partial-charge dipole "
                + "Σ q_i r_i), λ ≥ 2 R^λ(r) and [R^{λ−1}(r) ⊗ v_k]^λ, λ = 0 |r|² and r · v_k (true: every order; auto: every "
                + "order but 0, unless every training structure is periodic, then none).",
                org.tensorbasis.options.PositionBasisOption.ORDERS_FROM_ONE);
            OptionsNode kzNode = m.raw("linear_baseline_kernel", "auto or integer 0–8", "auto", "The linear baseline's model: 0, the linear "
                + "ridge on λ-SOAP features; 1..8, linear_ridge's sparse λ-SOAP kernel (SA-GPR) with this ζ (model.kernel.zeta of "
                + "linear_ridge); auto: " + AUTO_KERNEL_ZETA + " with linear_baseline: auto, else 0.");
            int bkz = isAuto(kzNode) ? (lbAuto ? AUTO_KERNEL_ZETA : 0) : (int) kzNode.integer(0, 8);
            if (!isAuto(kzNode) && bkz > 0 && !anyBase) throw m.error("linear_baseline_kernel", "has no effect without model.linear_baseline");
            OptionsNode kcNode = m.raw("linear_baseline_kernel_coupling", "auto or number 0–1", "auto", "The kernel baseline's "
                + "model.kernel.element_coupling (linear_ridge): 0, one kernel per element; > 0, one joint kernel over every element; "
                + "auto: " + Options.fmt(AUTO_KERNEL_COUPLING) + " with linear_baseline: auto, else 0.");
            double bkc = isAuto(kcNode) ? (lbAuto && bkz > 0 ? AUTO_KERNEL_COUPLING : 0.0) : kcNode.number(0.0, 1.0);
            if (!isAuto(kcNode) && bkc > 0 && bkz == 0) {
                throw m.error("linear_baseline_kernel_coupling", "has no effect without model.linear_baseline_kernel");
            }
            OptionsNode kpNode = m.raw("linear_baseline_kernel_points", "auto or integer 1–100000", "auto", "The kernel baseline's "
                + "model.kernel.sparse_points (linear_ridge): sparse environments per element; auto: with linear_baseline: auto at most "
                + AUTO_KERNEL_POINTS + ", fewer when the kernel would not fit in the heap, else 1000.");
            int bkp = isAuto(kpNode) ? (lbAuto ? 0 : 1000) : (int) kpNode.integer(1, 100_000);
            if (!isAuto(kpNode) && bkz == 0 && bkp != 1000) {
                throw m.error("linear_baseline_kernel_points", "has no effect without model.linear_baseline_kernel");
            }
            double bco = m.number("linear_baseline_cutoff", BASELINE_CUTOFF, 1.0, 30.0, "The linear baseline's model.soap.cutoff "
                + "(linear_ridge; Å): its environments' radius, independent of the network's.");
            if (bco != BASELINE_CUTOFF && !anyBase) throw m.error("linear_baseline_cutoff", "has no effect without model.linear_baseline");
            m.finish();
            ModelOptions mo = new ModelOptions(soap.cutoff(), soap.cutoffWidth(), soap.maxRadial(), soap.maxAngular(), soap.powerSpectrum(),
                width, depth, lb, pm, nbas, soap.speciesChannels(), soap.pseudoSpecies(), sn, emb, base, lbAuto, pb, bkz, bkc, bkp, bco);

            int epochs = t.integer("epochs", 100, 1, 1_000_000, "Passes over the training structures.");
            int batch = t.integer("batch_size", 8, 1, 1_000_000, "Structures per Adam step.");
            double lr = t.number("learning_rate", 1e-3, 1e-12, 10, "Peak Adam learning rate.");
            double wf = t.number("warmup_fraction", 0.01, 0, 0.9, "Fraction of all steps spent on the linear warm-up.");
            String sched = t.choice("scheduler", "cosine", List.of("cosine", "plateau", "constant"), "Learning-rate schedule.");
            double pf = t.number("plateau_factor", 0.5, 1e-6, 0.999999, "Factor of the plateau scheduler.");
            int pp = t.integer("plateau_patience", 10, 1, 1_000_000, "Epochs without improvement before the plateau scheduler reduces the rate.");
            Map<String, Double> weights = new LinkedHashMap<>();
            OptionsNode lw = t.raw("loss_weights", "mapping target name → number 0–1e6", "{}", "Weight of each target's term in the loss.");
            if (lw != null) {
                for (Map.Entry<String, OptionsNode> e : lw.mapping(targets).entrySet()) weights.put(e.getKey(), e.getValue().number(0, 1e6));
            }
            int ci = t.integer("checkpoint_interval", 10, 0, 1_000_000, "Write the checkpoint every this many epochs (0: only at the end and when stopped).");
            int li = t.integer("log_interval", 1, 1, 1_000_000, "Print a line every this many epochs.");
            boolean cb = t.bool("composition_baseline", true, "Subtract a per-species baseline from invariant blocks before learning.");
            boolean rh = t.bool("refine_heads", true, "After the last epoch, refit the heads of every block exactly by ridge least squares.");
            boolean rv = t.bool("refit_validation", rh, "After the head refit has chosen its ridges on the validation set, "
                + "solve the heads again on the training and validation structures together with those ridges.");
            if (rv && !rh) throw t.error("refit_validation", "needs refine_heads: true");
            boolean pss = t.bool("per_species_scale", true, "Per-atom targets: one scale per centre species.");
            OptionsNode sspNode = t.raw("species_scale_prior", "auto or number 0–1e9 (atoms)", "auto",
                "Per-species scales (of per-atom targets and of basis elements) shrink towards the scale of all atoms as if each "
                + "species had this many more atoms (0: each species' own RMS; auto: 0 up to 8 elements, 20 above).");
            double ssp = sspNode == null || sspNode.isScalar() && "auto".equals(sspNode.text()) ? Double.NaN : sspNode.number(0, 1e9);
            int cm = t.integer("committee", 1, 1, MAX_COMMITTEE, "Train this many models from different seeds and predict their mean "
                + "(costs this many times the training and prediction time).");
            String fc = t.choice("feature_cache", "auto", List.of("auto", "float64", "float32"), "Precision of the cached power "
                + "spectrum of the training run (float32: half the bytes per atom; predictions always use float64; auto: float64 "
                + "when the run fits in the heap with it, else float32).");
            t.finish();
            return new LambdaMcovOptions(mo, new TrainingOptions(epochs, batch, lr, wf, sched, pf, pp, weights, ci, li, cb, rh, pss, ssp, cm, rv,
                fc));
        }
    }

    /**
     * {@code model.linear_baseline}: false (none), true (every target, in the options' order) or a list of target names
     * (every block of the target) and block names ({@code ms:L1-}: that block only).
     */
    private static boolean isAuto(OptionsNode n) {
        return n == null || n.isScalar() && "auto".equals(n.text());
    }

    private static List<String> linearBaseline(OptionsNode n, Set<String> targets) {
        if (n == null || n.isNull()) return List.of();
        if (n.isScalar()) return n.bool() ? List.copyOf(targets) : List.of();
        if (!n.isSequence()) throw n.error("expected false, true or a list of target names");
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (OptionsNode e : n.sequence()) {
            String entry = e.string();
            int colon = entry.indexOf(':');
            String t = colon < 0 ? entry : entry.substring(0, colon);
            if (!targets.contains(t)) {
                throw e.error("'" + t + "' is not a target of these options (targets: " + String.join(", ", targets) + ")");
            }
            if (colon >= 0 && !entry.substring(colon + 1).matches("L[0-9]+[+-]")) {
                throw e.error("'" + entry + "': a block is written <target>:L<λ><σ>, e.g. " + t + ":L1- or " + t + ":L2+");
            }
            if (!out.add(entry)) throw e.error("'" + entry + "' is listed twice");
        }
        for (String entry : out) {
            if (entry.indexOf(':') >= 0 && out.contains(entry.substring(0, entry.indexOf(':')))) {
                throw n.error("lists both " + entry.substring(0, entry.indexOf(':')) + " and its block " + entry + ": give one");
            }
        }
        if (out.isEmpty()) throw n.error("is an empty list: write false for no baseline");
        return List.copyOf(out);
    }

    @Override
    public String toYaml() {
        StringBuilder sb = new StringBuilder();
        ModelOptions mo = model;
        sb.append("model:\n  architecture: ").append(NAME).append('\n');
        sb.append(mo.soap().toYaml());
        sb.append("  bpnn:\n");
        sb.append("    num_hidden_layers: ").append(mo.depth()).append('\n');
        sb.append("    num_neurons_per_layer: ").append(mo.width()).append('\n');
        sb.append("  scalar_network: ").append(mo.scalarNetwork()).append('\n');
        if (!mo.scalarNetwork().equals(ScalarNetworks.Mode.PER_ELEMENT.option())) {
            sb.append("  element_embedding: ").append(mo.elementEmbedding()).append('\n');
        }
        sb.append("  add_lambda_basis: ").append(mo.addLambdaBasis()).append('\n');
        sb.append("  pseudotensor_basis: ").append(mo.pseudotensorBasis().option()).append('\n');
        sb.append("  normalize_basis: ").append(mo.normalizeBasis()).append('\n');
        if (mo.linearBaselineAuto()) {
            sb.append("  linear_baseline: auto\n");
        } else if (mo.linearBaseline().isEmpty()) {
            sb.append("  linear_baseline: false\n");
        } else {
            sb.append("  linear_baseline: [");
            for (int i = 0; i < mo.linearBaseline().size(); i++) sb.append(i > 0 ? ", " : "").append(Options.quote(mo.linearBaseline().get(i)));
            sb.append("]\n");
        }
        // under linear_baseline: auto, the values auto resolves to are written as auto (they read back the same)
        boolean autoZeta = mo.linearBaselineAuto() && mo.baselineKernelZeta() == AUTO_KERNEL_ZETA;
        boolean autoCoupling = mo.linearBaselineAuto() && mo.baselineKernelZeta() > 0 && mo.baselineKernelCoupling() == AUTO_KERNEL_COUPLING;
        sb.append("  linear_baseline_kernel: ").append(autoZeta ? "auto" : String.valueOf(mo.baselineKernelZeta())).append('\n');
        sb.append("  linear_baseline_kernel_coupling: ").append(autoCoupling ? "auto" : Options.fmt(mo.baselineKernelCoupling())).append('\n');
        sb.append("  linear_baseline_kernel_points: ").append(mo.baselineKernelPoints() == 0 ? "auto" : String.valueOf(mo.baselineKernelPoints())).append('\n');
        sb.append("  linear_baseline_cutoff: ").append(Options.fmt(mo.baselineCutoff())).append('\n');
        sb.append("  position_basis: ").append(mo.positionBasis().yaml())
            .append('\n');
        TrainingOptions tr = training;
        sb.append("training:\n");
        sb.append("  epochs: ").append(tr.epochs()).append('\n');
        sb.append("  batch_size: ").append(tr.batchSize()).append('\n');
        sb.append("  learning_rate: ").append(Options.fmt(tr.learningRate())).append('\n');
        sb.append("  warmup_fraction: ").append(Options.fmt(tr.warmupFraction())).append('\n');
        sb.append("  scheduler: ").append(tr.scheduler()).append('\n');
        sb.append("  plateau_factor: ").append(Options.fmt(tr.plateauFactor())).append('\n');
        sb.append("  plateau_patience: ").append(tr.plateauPatience()).append('\n');
        sb.append("  loss_weights:");
        if (tr.lossWeights().isEmpty()) sb.append(" {}");
        sb.append('\n');
        for (Map.Entry<String, Double> e : tr.lossWeights().entrySet()) {
            sb.append("    ").append(Options.quote(e.getKey())).append(": ").append(Options.fmt(e.getValue())).append('\n');
        }
        sb.append("  checkpoint_interval: ").append(tr.checkpointInterval()).append('\n');
        sb.append("  log_interval: ").append(tr.logInterval()).append('\n');
        sb.append("  composition_baseline: ").append(tr.compositionBaseline()).append('\n');
        sb.append("  refine_heads: ").append(tr.refineHeads()).append('\n');
        sb.append("  refit_validation: ").append(tr.refitValidation()).append('\n');
        sb.append("  per_species_scale: ").append(tr.perSpeciesScale()).append('\n');
        sb.append("  species_scale_prior: ").append(Double.isNaN(tr.speciesScalePrior()) ? "auto" : Options.fmt(tr.speciesScalePrior())).append('\n');
        sb.append("  committee: ").append(tr.committee()).append('\n');
        sb.append("  feature_cache: ").append(tr.featureCache()).append('\n');
        return sb.toString();
    }
}
