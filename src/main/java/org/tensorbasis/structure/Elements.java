package org.tensorbasis.structure;

import java.util.HashMap;
import java.util.Map;

/** Chemical element symbols and atomic numbers (Z = 1..118), as ASE names them. */
public final class Elements {
    private static final String[] SYMBOLS = {
        "X", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne",
        "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca",
        "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn",
        "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr",
        "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn",
        "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd",
        "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb",
        "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
        "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th",
        "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm",
        "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds",
        "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"
    };
    private static final Map<String, Integer> BY_SYMBOL = new HashMap<>();
    static {
        for (int z = 1; z < SYMBOLS.length; z++) BY_SYMBOL.put(SYMBOLS[z], z);
    }

    private Elements() {}

    /** Largest supported atomic number. */
    public static final int MAX_Z = SYMBOLS.length - 1;

    /** Atomic number of a symbol such as "O" or "Cl"; -1 if unknown. Case-sensitive like ASE. */
    public static int atomicNumber(String symbol) {
        Integer z = BY_SYMBOL.get(symbol);
        return z == null ? -1 : z;
    }

    /** Symbol of atomic number z (1..MAX_Z). */
    public static String symbol(int z) {
        if (z < 1 || z > MAX_Z) throw new IllegalArgumentException("no element with atomic number " + z);
        return SYMBOLS[z];
    }
}
