package org.tensorbasis.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tensorbasis.BadInputException;
import org.tensorbasis.bench.BenchTimer;
import org.tensorbasis.descriptors.DescriptorSettings;
import org.tensorbasis.descriptors.FeatureCache;
import org.tensorbasis.descriptors.PowerSpectrumForm;
import org.tensorbasis.descriptors.SphericalExpansion;
import org.tensorbasis.structure.Structure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tensorbasis bench descriptors FILE}: featurisation throughput (atoms/s) at the default descriptor
 * settings — neighbour search, spherical expansion, power spectrum and the cached l = 1 block, i.e. what a
 * training run computes once per structure. The species channels are those present in the file.
 */
@Command(name = "descriptors", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    resourceBundle = "org.tensorbasis.cli.BenchDescriptorsCommand$Help",
    description = "Benchmark descriptor computation (neighbours included); the last line is one JSON object.")
public final class BenchDescriptorsCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @picocli.CommandLine.Mixin
    BenchOptions.Input input;

    /** The warm-up default is computed from the data: see {@link Help}. */
    @picocli.CommandLine.Mixin
    BenchOptions runs = new BenchOptions(null, 5);

    @Option(names = "--form", description = "power-spectrum form: full or unique (default: unique)")
    String form = "unique";

    @Option(names = "--float32", description = "store the power spectrum in float32")
    boolean float32;

    @Option(names = "--options", paramLabel = "OPTIONS", description = "an options.yaml (lambda_mcov): use its model.soap "
        + "settings (cutoff, width, max_radial, max_angular, power_spectrum) instead of the defaults; --form then must not be given")
    Path optionsFile;

    @Override
    public Integer call() throws Exception {
        input.check();
        runs.check();
        final Path file = input.file;
        final int threads = input.threads, repetitions = runs.repetitions();
        PowerSpectrumForm f = switch (form.toLowerCase(Locale.ROOT)) {
            case "full" -> PowerSpectrumForm.FULL;
            case "unique", "unique_pairs", "unique-pairs" -> PowerSpectrumForm.UNIQUE_PAIRS;
            default -> throw BadInputException.field("--form", "expected full or unique, got '" + form + "'");
        };
        BenchOptions.Data data = input.read();
        List<Structure> structures = data.structures();
        final long atoms = data.atoms();
        int warm = runs.warmup((int) Math.max(1, (200_000 + atoms - 1) / atoms));
        DescriptorSettings settings;
        if (optionsFile != null) {
            if (!form.equals("unique")) throw BadInputException.field("--form", "not with --options (the options file sets model.soap.power_spectrum)");
            org.tensorbasis.lambdamcov.LambdaMcovOptions.ModelOptions mo = BenchOptions.lambdaMcovModel(optionsFile);
            int[] sorted = data.species().clone();
            java.util.Arrays.sort(sorted);
            settings = new DescriptorSettings(mo.cutoff(), mo.cutoffWidth(), mo.maxRadial(), mo.maxAngular(), sorted, mo.powerSpectrum(), null);
            f = settings.form();
        } else {
            settings = DescriptorSettings.defaults(data.species()).withForm(f);
        }
        SphericalExpansion calc = new SphericalExpansion(settings);
        FeatureCache.Storage storage = float32 ? FeatureCache.Storage.FLOAT32 : FeatureCache.Storage.FLOAT64;
        FeatureCache[] last = new FeatureCache[1];
        // process CPU time next to wall time: on a shared machine wall time includes waiting for a core
        long[] cpu = new long[2];
        int[] calls = new int[1];
        com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        BenchTimer.Result r = BenchTimer.run("descriptors", warm, repetitions, atoms, threads, () -> {
            if (++calls[0] == warm + 1) cpu[0] = os.getProcessCpuTime();
            last[0] = FeatureCache.compute(structures, calc, new int[0], storage, threads);
            cpu[1] = os.getProcessCpuTime();
        });
        double cpuPerAtom = (cpu[1] - cpu[0]) * 1e-3 / ((double) atoms * repetitions);
        java.io.PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s: %d structures, %d atoms, species %s, %s%n", file.getFileName(), structures.size(), atoms,
            data.speciesSymbols(), settings);
        out.printf(Locale.ROOT, "power spectrum %d features/atom (%s), cache %.0f bytes/atom (%s)%n",
            calc.powerSpectrumSize(), f, last[0].bytesPerAtom(), storage);
        out.printf(Locale.ROOT, "median %.1f atoms/s = %.2f us/atom (min %.1f, max %.1f atoms/s), %d threads%n",
            r.median(), 1e6 / r.median(), r.min(), r.max(), threads);
        out.printf(Locale.ROOT, "process CPU time %.2f us/atom (all threads, GC and JIT included; load average %.1f)%n",
            cpuPerAtom, os.getSystemLoadAverage());
        out.println(r.json("atoms_per_s"));
        out.flush();
        return 0;
    }

    /** Help texts that replace the shared ones: the warm-up default here depends on the data. */
    public static final class Help extends java.util.ListResourceBundle {
        @Override
        protected Object[][] getContents() {
            return new Object[][] {
                {"warmup", "untimed runs first, and more until 1 s has passed (default: enough runs for 200 000 atoms, at least 1, so that the JIT has compiled the hot loops)"},
            };
        }
    }
}
