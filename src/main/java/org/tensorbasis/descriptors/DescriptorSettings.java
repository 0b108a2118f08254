package org.tensorbasis.descriptors;

import java.util.Arrays;
import org.tensorbasis.BadInputException;
import org.tensorbasis.structure.Elements;

/**
 * Immutable settings of the atomic-environment descriptors (spherical expansion and SOAP power
 * spectrum).
 *
 * <p>Defaults (those of metatrain's SOAP-BPNN, legacy mode): {@code cutoff} r_c = 5 Å, {@code width}
 * w = 0.5 Å of the shifted-cosine switch, {@code maxRadial} 7 and {@code maxAngular} 6 (which give
 * n_per_l = [8, 7, 7, 6, 6, 5, 5]), power-spectrum form {@link PowerSpectrumForm#UNIQUE_PAIRS}.
 *
 * @param cutoff     r_c in Å, &gt; 0
 * @param width      width w in Å of the cosine switch below r_c, 0 &lt; w ≤ r_c
 * @param maxRadial  radial functions kept: all (l, n) with z_nl ≤ (maxRadial + 1)π
 * @param maxAngular largest l of the power spectrum, and of the expansion unless a larger one is asked for
 *                   ({@link SphericalExpansion#SphericalExpansion(DescriptorSettings, int)})
 * @param species    atomic numbers of the neighbour-species channels, sorted ascending and unique
 *                   (the order of the channels); fixed by the training set
 * @param form       power-spectrum form
 * @param mixing     species mixing W, S × d row-major, rows in the order of the species as given (S = species.length, d = pseudo-species channels): neighbour
 *                   j contributes W[a_j][k] f_c R Y to channel k ({@link SpeciesMixing}); null = one-hot (d = S,
 *                   channel a = species a, the original code path)
 */
public record DescriptorSettings(double cutoff, double width, int maxRadial, int maxAngular, int[] species,
                                 PowerSpectrumForm form, double[] mixing) {

    /** Default cutoff radius, Å. */
    public static final double DEFAULT_CUTOFF = 5.0;
    /** Default width of the cosine switch, Å. */
    public static final double DEFAULT_WIDTH = 0.5;
    /** Default max_radial. */
    public static final int DEFAULT_MAX_RADIAL = 7;
    /** Default max_angular. */
    public static final int DEFAULT_MAX_ANGULAR = 6;
    /** Default power-spectrum form (same ridge accuracy as FULL, half the features; see docs/descriptors.md). */
    public static final PowerSpectrumForm DEFAULT_FORM = PowerSpectrumForm.UNIQUE_PAIRS;

    /** One-hot neighbour species (no mixing). */
    public DescriptorSettings(double cutoff, double width, int maxRadial, int maxAngular, int[] species, PowerSpectrumForm form) {
        this(cutoff, width, maxRadial, maxAngular, species, form, null);
    }

    /**
     * Validates, sorts and copies the species (and copies the mixing, whose rows follow the sorted species);
     * throws {@link BadInputException} on absurd values.
     */
    public DescriptorSettings {
        if (!(cutoff > 0) || !Double.isFinite(cutoff)) throw BadInputException.field("cutoff", "must be a positive number, got " + cutoff);
        if (!(width > 0) || !(width <= cutoff)) throw BadInputException.field("width", "must be in (0, cutoff], got " + width);
        if (maxRadial < 0 || maxRadial > 60) throw BadInputException.field("max_radial", "must be in 0..60, got " + maxRadial);
        if (maxAngular < 0 || maxAngular > 20) throw BadInputException.field("max_angular", "must be in 0..20, got " + maxAngular);
        if (species == null || species.length == 0) throw BadInputException.field("species", "at least one species is needed");
        if (form == null) throw BadInputException.field("form", "power-spectrum form missing");
        int[] given = species;
        species = species.clone();
        Arrays.sort(species);
        for (int i = 0; i < species.length; i++) {
            if (species[i] < 1 || species[i] > Elements.MAX_Z) {
                throw BadInputException.field("species", "invalid atomic number " + species[i]);
            }
            if (i > 0 && species[i] == species[i - 1]) {
                throw BadInputException.field("species", "duplicate element " + Elements.symbol(species[i]));
            }
        }
        if (mixing != null) {
            int ns = species.length;
            if (mixing.length == 0 || mixing.length % ns != 0) {
                throw BadInputException.field("species_mixing", "needs " + ns + " rows (one per species), got " + mixing.length + " numbers");
            }
            for (double v : mixing) {
                if (!Double.isFinite(v)) throw BadInputException.field("species_mixing", "holds a non-finite weight");
            }
            // rows follow the species as given; store them in the sorted order
            int d = mixing.length / ns;
            double[] sorted = new double[mixing.length];
            for (int r = 0; r < ns; r++) System.arraycopy(mixing, r * d, sorted, Arrays.binarySearch(species, given[r]) * d, d);
            mixing = sorted;
        }
    }

    /** Defaults for the given neighbour species (atomic numbers, any order). */
    public static DescriptorSettings defaults(int... species) {
        return new DescriptorSettings(DEFAULT_CUTOFF, DEFAULT_WIDTH, DEFAULT_MAX_RADIAL, DEFAULT_MAX_ANGULAR, species, DEFAULT_FORM);
    }

    /** The species as a copy (the record accessor is overridden to keep the record immutable). */
    @Override
    public int[] species() { return species.clone(); }

    /** Number of density channels: the species (one-hot) or the pseudo-species d of the mixing. */
    public int channels() { return mixing == null ? species.length : mixing.length / species.length; }

    /** The mixing matrix S × d row-major as a copy, or null for one-hot channels. */
    @Override
    public double[] mixing() { return mixing == null ? null : mixing.clone(); }

    /** Whether the channels are compressed pseudo-species (a mixing matrix is set). */
    public boolean compressed() { return mixing != null; }

    /** Index of atomic number z in {@link #species()} (its one-hot channel, or its row of the mixing), or -1 if unknown. */
    public int channel(int z) {
        int c = Arrays.binarySearch(species, z);
        return c >= 0 ? c : -1;
    }

    public DescriptorSettings withForm(PowerSpectrumForm f) { return new DescriptorSettings(cutoff, width, maxRadial, maxAngular, species, f, mixing); }

    public DescriptorSettings withCutoff(double rc, double w) { return new DescriptorSettings(rc, w, maxRadial, maxAngular, species, form, mixing); }

    public DescriptorSettings withBasis(int nMaxRadial, int nMaxAngular) {
        return new DescriptorSettings(cutoff, width, nMaxRadial, nMaxAngular, species, form, mixing);
    }

    /** The same settings with a species mixing (S × d row-major, rows in the order of {@link #species()}; null = one-hot). */
    public DescriptorSettings withMixing(double[] w) { return new DescriptorSettings(cutoff, width, maxRadial, maxAngular, species, form, w); }

    @Override
    public boolean equals(Object o) {
        return o instanceof DescriptorSettings d && d.cutoff == cutoff && d.width == width && d.maxRadial == maxRadial
            && d.maxAngular == maxAngular && Arrays.equals(d.species, species) && d.form == form && Arrays.equals(d.mixing, mixing);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {cutoff, width, maxRadial, maxAngular, Arrays.hashCode(species), form})
            + (mixing == null ? 0 : 31 * Arrays.hashCode(mixing));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int z : species) sb.append(sb.length() == 0 ? "" : ",").append(Elements.symbol(z));
        return "DescriptorSettings[cutoff=" + cutoff + ", width=" + width + ", maxRadial=" + maxRadial
            + ", maxAngular=" + maxAngular + ", species=[" + sb + "], form=" + form
            + (mixing == null ? "" : ", mixing=" + species.length + "×" + channels() + " (compressed)") + "]";
    }
}
