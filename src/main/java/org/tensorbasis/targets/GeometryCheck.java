package org.tensorbasis.targets;

import java.util.List;
import java.util.Locale;
import org.tensorbasis.BadInputException;
import org.tensorbasis.neighbors.NeighborList;
import org.tensorbasis.structure.Cell;
import org.tensorbasis.structure.Elements;
import org.tensorbasis.structure.Structure;

/**
 * Structures whose descriptors would be meaningless or unaffordable are refused before any is
 * computed, naming file, frame and atoms: two atoms closer than {@code min_distance} (duplicated or
 * collapsed atoms; an atom near its own periodic image), and periodic cells so small against the
 * cutoff that the neighbour search would need more than {@link #MAX_IMAGES} images per atom.
 */
public final class GeometryCheck {
    /** Periodic images per atom accepted: ±50 cells along each of three axes. */
    public static final double MAX_IMAGES = 1e6;

    private GeometryCheck() {}

    /**
     * @param cutoff      the descriptor's cutoff (Å)
     * @param minDistance the smallest distance accepted between two atoms (Å); 0 turns that check off
     */
    public static void check(List<Sample> samples, double cutoff, double minDistance) {
        for (Sample smp : samples) check(smp, cutoff, minDistance);
    }

    public static void check(Sample smp, double cutoff, double minDistance) {
        Structure s = smp.structure();
        Cell c = s.cell();
        double reach = Math.max(cutoff, minDistance);
        if (c != null) {
            double[] d = c.planeSpacings();
            double images = 1;
            double smallest = Double.POSITIVE_INFINITY;
            for (int ax = 0; ax < 3; ax++) {
                if (!c.pbc()[ax]) continue;
                images *= 2 * Math.ceil(reach / d[ax]) + 1;
                smallest = Math.min(smallest, d[ax]);
            }
            if (!(images <= MAX_IMAGES)) {
                throw BadInputException.atFrame(smp.file(), smp.frame(), "Lattice", String.format(Locale.ROOT,
                    "the periodic cell is too small for the cutoff: a plane spacing of %.3g Å against r_c = %.3g Å needs %.3g periodic images"
                        + " per atom (at most %.0e); check the Lattice (Å) or lower model.soap.cutoff", smallest, reach, images, MAX_IMAGES));
            }
        }
        if (minDistance <= 0 || s.size() == 0) return;
        NeighborList nl = NeighborList.build(s, minDistance);
        if (nl.pairs() == 0) return;
        int p = 0;
        for (int k = 1; k < nl.pairs(); k++) if (nl.distances()[k] < nl.distances()[p]) p = k;
        int i = 0;
        while (nl.offsets()[i + 1] <= p) i++;
        int j = nl.neighbors()[p];
        String what = i == j ? "atom " + i + " (" + Elements.symbol(s.number(i)) + ") is " + fmt(nl.distances()[p]) + " Å from its own periodic image"
            : "atoms " + Math.min(i, j) + " (" + Elements.symbol(s.number(Math.min(i, j))) + ") and " + Math.max(i, j) + " ("
                + Elements.symbol(s.number(Math.max(i, j))) + ") are " + fmt(nl.distances()[p]) + " Å apart";
        throw BadInputException.atFrame(smp.file(), smp.frame(), "pos", what + ", closer than min_distance = " + fmt(minDistance)
            + " Å (duplicated or collapsed atoms?); set min_distance in the options to accept such structures");
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.3g", x);
    }
}
