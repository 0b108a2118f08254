package org.tensorbasis.architecture;

import org.tensorbasis.BadInputException;

/**
 * The arithmetic of a prediction. {@link #FLOAT64} (the default) computes everything in float64. {@link #FLOAT32}
 * (an explicit choice: {@code eval --precision float32}, {@code Model.setPrecision}) stores the λ-MCoV model's
 * normalised power spectrum in float32 and multiplies it by the first network layer in float32 — the product that
 * takes most of a prediction's time — while the descriptors, the rest of the network, the tensor basis and the sums stay
 * float64. The invariant coefficients then carry float32 round-off (relative ~1e-7, measured in docs/performance.md),
 * so predictions rotate with the structure to that level instead of float64's 1e-15.
 */
public enum Precision {
    FLOAT64("float64"),
    FLOAT32("float32");

    private final String option;

    Precision(String option) { this.option = option; }

    /** The spelling in options and on the command line. */
    public String option() { return option; }

    /** The precision spelt {@code value}; anything else is a {@link BadInputException} naming {@code field}. */
    public static Precision of(String value, String field) {
        for (Precision p : values()) if (p.option.equals(value)) return p;
        throw BadInputException.field(field, "must be float64 or float32, got '" + value + "'");
    }
}
