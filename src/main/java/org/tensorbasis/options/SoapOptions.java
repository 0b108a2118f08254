package org.tensorbasis.options;

import java.util.List;
import org.tensorbasis.descriptors.PowerSpectrumForm;

/** The {@code model.soap} section (density expansion and power spectrum), shared by the architectures. */
public record SoapOptions(double cutoff, double cutoffWidth, int maxRadial, int maxAngular, PowerSpectrumForm powerSpectrum) {
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
        s.finish();
        return new SoapOptions(rc, w, nr, na, f.equals("full") ? PowerSpectrumForm.FULL : PowerSpectrumForm.UNIQUE_PAIRS);
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
            + (withPowerSpectrum ? "    power_spectrum: " + (powerSpectrum == PowerSpectrumForm.FULL ? "full" : "unique_pairs") + "\n" : "");
    }
}
