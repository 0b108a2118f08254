package org.tensorbasis.options;

import java.util.List;
import org.tensorbasis.descriptors.PowerSpectrumForm;
import org.tensorbasis.descriptors.SpeciesMixing;
import org.tensorbasis.structure.Structure;

/**
 * The {@code model.soap} section (density expansion and power spectrum), shared by the architectures.
 *
 * @param speciesChannels how neighbour species become density channels (one-hot or compressed, {@link SpeciesMixing})
 * @param pseudoSpecies   number d of compressed channels
 */
public record SoapOptions(double cutoff, double cutoffWidth, int maxRadial, int maxAngular, PowerSpectrumForm powerSpectrum,
                          SpeciesMixing.Mode speciesChannels, int pseudoSpecies) {
    /** Default number of compressed (pseudo-species) channels. */
    public static final int DEFAULT_PSEUDO_SPECIES = 8;

    /** The given descriptor settings with the default species channels ({@code auto}, {@link #DEFAULT_PSEUDO_SPECIES}). */
    public SoapOptions(double cutoff, double cutoffWidth, int maxRadial, int maxAngular, PowerSpectrumForm powerSpectrum) {
        this(cutoff, cutoffWidth, maxRadial, maxAngular, powerSpectrum, SpeciesMixing.Mode.AUTO, DEFAULT_PSEUDO_SPECIES);
    }

    /** Reads {@code model.soap} with the given defaults. */
    public static SoapOptions parse(Section model, SoapOptions d) {
        return parse(model, d, true);
    }

    /** As {@link #parse(Section, SoapOptions)}; {@code powerSpectrum} false: the architecture has no power spectrum (the option is not declared). */
    public static SoapOptions parse(Section model, SoapOptions d, boolean powerSpectrum) {
        Section s = model.section("soap", "Descriptor settings");
        double rc = s.number("cutoff", d.cutoff(), 0.5, 30, "Cutoff radius r_c of the atomic environments (Å).");
        double w = s.number("cutoff_width", d.cutoffWidth(), 0, 30, "Width of the shifted-cosine switch below r_c (Å), > 0 and < cutoff.");
        // the descriptor needs a positive switch width; 0 would only fail later, without file and line
        if (!(w > 0)) throw s.error("cutoff_width", "must be > 0, got " + w);
        if (w >= rc) {
            throw s.has("cutoff_width") ? s.error("cutoff_width", "must be smaller than the cutoff " + Options.fmt(rc))
                : s.error("cutoff must exceed cutoff_width " + Options.fmt(w));
        }
        int nr = s.integer("max_radial", d.maxRadial(), 0, 30, "Radial basis size: all (l, n) with z_nl ≤ (max_radial + 1)π.");
        int na = s.integer("max_angular", d.maxAngular(), 0, 12, "Largest l of the spherical expansion and power spectrum.");
        String f = !powerSpectrum ? "unique_pairs" : s.choice("power_spectrum", d.powerSpectrum() == PowerSpectrumForm.FULL ? "full" : "unique_pairs",
            List.of("unique_pairs", "full"), "unique_pairs keeps each unordered pair of (species, n) channels once; full the whole square.");
        SpeciesMixing.Mode sc = SpeciesMixing.Mode.of(s.choice("species_channels", d.speciesChannels().option(), SpeciesMixing.Mode.options(),
            "auto: one-hot up to " + SpeciesMixing.AUTO_MAX_ONE_HOT + " elements; above, trained (lambda_mcov) or random (linear_ridge); one_hot: one channel per element; "
                + "spectral / random: the elements mixed into pseudo_species channels; trained: spectral, then trained with the network (lambda_mcov)."));
        int ps = s.integer("pseudo_species", d.pseudoSpecies(), 1, 128,
            "Number of compressed neighbour-species channels (species_channels spectral, random, or auto above "
                + SpeciesMixing.AUTO_MAX_ONE_HOT + " elements).");
        if (s.has("pseudo_species") && sc == SpeciesMixing.Mode.ONE_HOT) {
            throw s.error("pseudo_species", "has no effect with species_channels: one_hot (use spectral, random or auto)");
        }
        s.finish();
        return new SoapOptions(rc, w, nr, na, f.equals("full") ? PowerSpectrumForm.FULL : PowerSpectrumForm.UNIQUE_PAIRS, sc, ps);
    }

    /**
     * The species mixing of a training run ({@link SpeciesMixing#choose}), or null for one-hot channels.
     *
     * @param species the training set's elements, sorted
     * @param train   the training structures
     * @param seed    the run's seed
     */
    public double[] mixing(int[] species, List<Structure> train, long seed) {
        return SpeciesMixing.choose(speciesChannels, pseudoSpecies, species, train, cutoff, cutoffWidth, seed);
    }

    /** The channels {@code species_channels} stands for with this many elements ({@link SpeciesMixing#resolve}). */
    public SpeciesMixing.Mode channelsFor(int elements, boolean trainable) {
        return SpeciesMixing.resolve(speciesChannels, elements, pseudoSpecies, trainable);
    }

    /** The initial mixing of the resolved channels {@code used} (trained: the spectral start), or null for one-hot. */
    public double[] mixing(SpeciesMixing.Mode used, int[] species, List<Structure> train, long seed) {
        return SpeciesMixing.choose(used, pseudoSpecies, species, train, cutoff, cutoffWidth, seed);
    }

    /** The section as YAML lines indented by two spaces (under {@code model:}). */
    public String toYaml() {
        return toYaml(true);
    }

    /** As {@link #toYaml()}, without {@code power_spectrum} when the architecture has none. */
    public String toYaml(boolean withPowerSpectrum) {
        return "  soap:\n"
            + "    cutoff: " + Options.fmt(cutoff) + "\n"
            + "    cutoff_width: " + Options.fmt(cutoffWidth) + "\n"
            + "    max_radial: " + maxRadial + "\n"
            + "    max_angular: " + maxAngular + "\n"
            + (withPowerSpectrum ? "    power_spectrum: " + (powerSpectrum == PowerSpectrumForm.FULL ? "full" : "unique_pairs") + "\n" : "")
            + "    species_channels: " + speciesChannels.option() + "\n"
            + (speciesChannels == SpeciesMixing.Mode.ONE_HOT ? "" : "    pseudo_species: " + pseudoSpecies + "\n");
    }
}
