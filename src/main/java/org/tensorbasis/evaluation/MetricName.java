package org.tensorbasis.evaluation;

import org.tensorbasis.targets.Irrep;

/**
 * The name of a row of metrics: a target ({@code ms}), optionally one of its blocks ({@code ms:L0+})
 * and, for per-atom targets over several elements, one element ({@code ms[H]}, {@code ms:L0+[H]}).
 * Built and parsed here only, so that no caller cuts names apart by hand.
 *
 * @param irrep   the block, or null for all of the target's components
 * @param element the element symbol, or null for all atoms
 */
public record MetricName(String target, Irrep irrep, String element) {
    /** {@code target[:L<λ><±>][[El]]}. */
    public String name() {
        return target + (irrep == null ? "" : ":" + irrep.name()) + (element == null ? "" : "[" + element + "]");
    }

    /** The inverse of {@link #name()} (target names may not contain ':' or '['). */
    public static MetricName parse(String name) {
        String rest = name;
        String element = null;
        if (rest.endsWith("]") && rest.lastIndexOf('[') > 0) {
            element = rest.substring(rest.lastIndexOf('[') + 1, rest.length() - 1);
            rest = rest.substring(0, rest.lastIndexOf('['));
        }
        int colon = rest.lastIndexOf(':');
        if (colon > 0) {
            try {
                return new MetricName(rest.substring(0, colon), Irrep.parse(rest.substring(colon + 1)), element);
            } catch (IllegalArgumentException notABlock) {
                // a ':' inside the target name
            }
        }
        return new MetricName(rest, null, element);
    }

    @Override
    public String toString() { return name(); }
}
