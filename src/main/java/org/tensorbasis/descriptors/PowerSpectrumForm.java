package org.tensorbasis.descriptors;

/** Which entries of the symmetric per-l power-spectrum square are kept. */
public enum PowerSpectrumForm {
    /** The whole (a n) × (b n') square per l, row-major, as the reference (metatrain / spex). */
    FULL,
    /** Each unordered pair (a n) ≤ (b n') once, upper triangle row by row; off-diagonal entries × √2 (same norm as FULL). */
    UNIQUE_PAIRS
}
