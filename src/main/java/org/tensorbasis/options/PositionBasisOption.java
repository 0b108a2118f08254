package org.tensorbasis.options;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * {@code model.position_basis} of the architectures that have it: which per-structure proper blocks get position
 * elements (functions of each atom's position relative to its structure's centroid). {@code auto}: the orders the
 * architecture measured to gain from them ({@link #parse}), unless every training structure is periodic (then none,
 * resolved by the architecture); {@code false}: none; {@code true}: every order; or a list of orders λ.
 *
 * @param auto   the option was {@code auto}
 * @param orders the orders λ (0..12) that get them, ascending ({@code auto}: the architecture's)
 */
public record PositionBasisOption(boolean auto, List<Integer> orders) {
    /** Every order a block can have. */
    public static final List<Integer> ALL_ORDERS = IntStream.rangeClosed(0, 12).boxed().toList();

    /** Every order but 0. */
    public static final List<Integer> ORDERS_FROM_ONE = IntStream.rangeClosed(1, 12).boxed().toList();

    public PositionBasisOption {
        orders = List.copyOf(orders);
    }

    /** Reads {@code position_basis} from section {@code m} (default {@code auto}, which means {@code autoOrders}) with the given help text. */
    public static PositionBasisOption parse(Section m, String help, List<Integer> autoOrders) {
        OptionsNode n = m.raw("position_basis", "auto, false, true or a list of orders λ (0–12)", "auto", help);
        if (n == null || n.isNull() || n.isScalar() && "auto".equals(n.text())) return new PositionBasisOption(true, autoOrders);
        if (n.isScalar()) return new PositionBasisOption(false, n.bool() ? ALL_ORDERS : List.of());
        if (!n.isSequence()) throw n.error("expected auto, false, true or a list of orders λ (0..12)");
        TreeSet<Integer> out = new TreeSet<>();
        for (OptionsNode e : n.sequence()) {
            int l = (int) e.integer(0, 12);
            if (!out.add(l)) throw e.error("order " + l + " is listed twice");
        }
        return new PositionBasisOption(false, List.copyOf(out));
    }

    /**
     * Whether {@code auto} gives no position elements at all on this training set: every structure is periodic, where
     * they would be zero.
     */
    public boolean noneFor(java.util.List<org.tensorbasis.structure.Structure> training) {
        if (!auto) return false;
        for (org.tensorbasis.structure.Structure s : training) if (!s.isPeriodic()) return false;
        return true;
    }

    /** Whether a block of order λ, parity σ, per structure or per atom, gets position elements (before {@code auto} is resolved). */
    public boolean covers(boolean perAtom, int lambda, int sigma) {
        return !perAtom && sigma == 1 && orders.contains(lambda);
    }

    /** The value as written in options ({@code auto}, {@code false}, {@code true} or the list). */
    public String yaml() {
        if (auto) return "auto";
        if (orders.isEmpty()) return "false";
        if (orders.equals(ALL_ORDERS)) return "true";
        return orders.toString();
    }
}
