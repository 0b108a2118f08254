package org.tensorbasis.targets;

/**
 * An irreducible representation of O(3): angular order λ ≥ 0 and parity σ = ±1 (a tensor of this
 * kind transforms under inversion as y(−A) = σ (−1)^λ y(A)). Its name is {@code L<λ><+|->}, e.g.
 * {@code L2+}, as in block names ({@code alpha:L2+}).
 */
public record Irrep(int lambda, int sigma) implements Comparable<Irrep> {
    public Irrep {
        if (lambda < 0) throw new IllegalArgumentException("lambda must be >= 0, got " + lambda);
        if (sigma != 1 && sigma != -1) throw new IllegalArgumentException("sigma must be +1 or -1, got " + sigma);
    }

    /** Components: 2λ + 1. */
    public int dim() { return 2 * lambda + 1; }

    /** {@code L<λ><+|->}. */
    public String name() { return "L" + lambda + (sigma > 0 ? "+" : "-"); }

    /** Parses {@code L<λ><+|->} (the inverse of {@link #name()}). */
    public static Irrep parse(String name) {
        java.util.regex.Matcher m = NAME.matcher(name);
        if (!m.matches()) throw new IllegalArgumentException("not an irrep name: " + name);
        try {
            return new Irrep(Integer.parseInt(m.group(1)), m.group(2).equals("+") ? 1 : -1);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an irrep name: " + name, e);
        }
    }

    /** Canonical names only: {@code L2+}, not {@code L02+} or {@code L+2+}. */
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("L(0|[1-9][0-9]{0,5})([+-])");

    @Override
    public int compareTo(Irrep o) {
        return lambda != o.lambda ? Integer.compare(lambda, o.lambda) : Integer.compare(o.sigma, sigma);
    }

    @Override
    public String toString() { return name(); }
}
