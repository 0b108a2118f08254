package org.tensorbasis.neighbors;

import java.util.Arrays;
import org.tensorbasis.structure.Cell;

/**
 * Cell-list construction of {@link NeighborList}. All state is local to one call (pure function).
 *
 * <p>Atoms are binned in fractional coordinates of the cell (Cartesian axes for a molecule), after
 * wrapping along periodic axes (for a slab or wire whose non-periodic lattice vectors are zero, in
 * the {@linkplain Cell#completedVectors() completed lattice}). Bins are slabs of perpendicular thickness at least
 * {@code BIN_FRACTION × cutoff} (using the lattice plane spacings, so any skew is handled), and
 * for each centre all bins within {@code k = ceil(cutoff / thickness)} slabs along each axis are
 * visited; along a periodic axis a bin index outside {@code [0, n)} is folded back with an integer
 * image shift, so a cell smaller than the cutoff simply yields several images of each atom. Each
 * (neighbour, image) is visited at most once per centre, hence no de-duplication is needed.
 *
 * <p>Whole bins are skipped when a lower bound of their distance to the centre (from the gaps
 * along the plane normals) exceeds the cutoff. Candidates are screened on wrapped positions with a
 * small relative slack, then tested exactly on the ORIGINAL positions with the vector
 * {@code (r_j − r_i) + S·cell}, which is exactly antisymmetric in floating point: the strict
 * {@code distance < cutoff} test keeps (j, i, −S) whenever it keeps (i, j, S). That symmetry lets a
 * counting-sort transpose (pairs of centre i stored under centre j) order every centre's pairs
 * by neighbour index without a comparison sort; several images of one neighbour are then ordered
 * by shift.
 */
final class CellListBuilder {
    /** Bin thickness as a fraction of the cutoff: smaller bins trim the searched volume. */
    static final double BIN_FRACTION = 0.7;
    /** At most this many bins per atom (keeps memory linear for sparse or elongated systems). */
    private static final int MAX_BINS_PER_ATOM = 2;
    /** Relative slack of the screening on wrapped positions (the final test is exact). */
    private static final double SLACK = 1e-8;
    /** Refuse cutoffs needing more image bins than this per centre. */
    private static final double MAX_IMAGE_BINS = 1e7;
    /** Refuse atoms further than this many cells away from the origin cell. */
    private static final double MAX_WRAP = 1 << 28;
    /** Largest pair count (3 ints per pair must fit in one Java array). */
    private static final int MAX_PAIRS = (Integer.MAX_VALUE - 16) / 3;

    private CellListBuilder() {}

    static NeighborList build(double[] pos, Cell cell, double cutoff) {
        final int n = pos.length / 3;
        if (n == 0) {
            return NeighborList.of(0, cutoff, new int[1], new int[0], new int[0], new double[0], new double[0]);
        }
        final boolean periodic = cell != null && cell.isAnyPeriodic();
        // Frame: lattice vectors a (rows), reciprocal b with a_i·b_j = δ_ij, plane spacings d. The
        // completed lattice: a zero or dependent non-periodic vector (slab, wire) is replaced by an
        // orthogonal unit vector; shifts along non-periodic axes are always 0, so it never enters a
        // pair vector, it only orients the bins.
        final double[] a;
        final double[] b;
        final double[] d;
        final boolean[] pbc;
        if (periodic) {
            a = cell.completedVectors();
            b = cell.reciprocal();
            d = cell.planeSpacings();
            pbc = cell.pbc();
        } else {
            a = new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1};
            b = a.clone();
            d = new double[] {1, 1, 1};
            pbc = new boolean[3];
        }

        // Fractional coordinates; wrap along periodic axes (w = integer number of cells removed).
        final double[] frac = new double[3 * n];
        final int[] wrap = new int[3 * n];
        final double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        final double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (int i = 0; i < n; i++) {
            double x = pos[3 * i], y = pos[3 * i + 1], z = pos[3 * i + 2];
            for (int ax = 0; ax < 3; ax++) {
                double s = b[3 * ax] * x + b[3 * ax + 1] * y + b[3 * ax + 2] * z;
                if (pbc[ax]) {
                    double f = Math.floor(s);
                    if (Math.abs(f) > MAX_WRAP) {
                        throw new IllegalArgumentException("atom " + i + " is more than " + (long) MAX_WRAP
                            + " cells away from the cell along axis " + (ax + 1));
                    }
                    wrap[3 * i + ax] = (int) f;
                    s -= f;
                }
                frac[3 * i + ax] = s;
                if (s < lo[ax]) lo[ax] = s;
                if (s > hi[ax]) hi[ax] = s;
            }
        }

        // Bin counts: perpendicular extent / bin width, capped so that bins stay O(atoms).
        final double[] extent = new double[3];
        for (int ax = 0; ax < 3; ax++) extent[ax] = pbc[ax] ? d[ax] : (hi[ax] - lo[ax]) * d[ax];
        final int[] nb = new int[3];
        double width = BIN_FRACTION * cutoff;
        final long maxBins = Math.max(1L, (long) MAX_BINS_PER_ATOM * n);
        while (true) {
            long total = 1;
            for (int ax = 0; ax < 3; ax++) {
                double q = Math.floor(extent[ax] / width);
                nb[ax] = (int) Math.max(1, Math.min(q, 1 << 20));
                total *= nb[ax];
            }
            if (total <= maxBins) break;
            width *= 1.5;
        }

        // Search range k per axis, in bins: all pairs closer than cutoff(1+SLACK) are within k bins.
        final double reach = cutoff * (1 + SLACK);
        final int[] k = new int[3];
        double imageBins = 1;
        for (int ax = 0; ax < 3; ax++) {
            if (pbc[ax]) {
                k[ax] = (int) Math.min(Math.ceil(reach * nb[ax] / d[ax]), 1e9);
            } else {
                k[ax] = extent[ax] > 0 ? (int) Math.min(nb[ax] - 1, Math.ceil(reach * nb[ax] / extent[ax])) : 0;
            }
            imageBins *= 2.0 * k[ax] + 1;
        }
        if (imageBins > MAX_IMAGE_BINS) {
            throw new IllegalArgumentException("cutoff " + cutoff + " Å is too large for this cell (plane spacings "
                + Arrays.toString(d) + " Å): more than " + (long) MAX_IMAGE_BINS + " image bins per atom");
        }

        // Per axis, for t = -k .. n-1+k (stored at t + k): the folded bin and its image shift (-1: none).
        final int[][] tBin = new int[3][];
        final int[][] tShift = new int[3][];
        int tMax = 0;
        for (int ax = 0; ax < 3; ax++) {
            int len = nb[ax] + 2 * k[ax];
            tBin[ax] = new int[len];
            tShift[ax] = new int[len];
            for (int idx = 0; idx < len; idx++) {
                int t = idx - k[ax];
                if (pbc[ax]) {
                    int sh = Math.floorDiv(t, nb[ax]);
                    tBin[ax][idx] = t - sh * nb[ax];
                    tShift[ax][idx] = sh;
                    tMax = Math.max(tMax, Math.abs(sh));
                } else {
                    tBin[ax][idx] = (t >= 0 && t < nb[ax]) ? t : -1;
                }
            }
        }
        // Candidate keys pack (j, T0, T1, T2) into one long: j in the high bits, each T + tMax in tBits.
        final int tBits = 32 - Integer.numberOfLeadingZeros(2 * tMax + 1);
        final int jBits = 32 - Integer.numberOfLeadingZeros(n);
        if (jBits + 3 * tBits > 63) {
            throw new IllegalArgumentException("cutoff " + cutoff + " Å is too large for this cell: image shifts up to "
                + tMax + " cells cannot be indexed");
        }
        final long tMask = (1L << tBits) - 1;
        final int jShift = 3 * tBits;

        // Bin of each atom (and where in its bin, for pruning); counting sort into bin order (stable).
        final int n0 = nb[0], n1 = nb[1], n2 = nb[2];
        final int nBins = n0 * n1 * n2;
        final int[] bin3 = new int[3 * n];
        final double[] inBin = new double[3 * n]; // position inside the bin, in [0, 1] bin widths
        final int[] binStart = new int[nBins + 1];
        final double[] wx = new double[n], wy = new double[n], wz = new double[n];
        for (int i = 0; i < n; i++) {
            for (int ax = 0; ax < 3; ax++) {
                double s = frac[3 * i + ax];
                double u = pbc[ax] ? s * nb[ax] : (extent[ax] > 0 ? (s - lo[ax]) / (hi[ax] - lo[ax]) * nb[ax] : 0);
                int c = (int) u;
                if (c < 0) c = 0;
                if (c >= nb[ax]) c = nb[ax] - 1;
                bin3[3 * i + ax] = c;
                inBin[3 * i + ax] = Math.min(1, Math.max(0, u - c));
            }
            binStart[(bin3[3 * i] * n1 + bin3[3 * i + 1]) * n2 + bin3[3 * i + 2] + 1]++;
            // r − w·cell: the position moved into the cell, exact up to rounding.
            double w0 = wrap[3 * i], w1 = wrap[3 * i + 1], w2 = wrap[3 * i + 2];
            wx[i] = pos[3 * i] - (w0 * a[0] + w1 * a[3] + w2 * a[6]);
            wy[i] = pos[3 * i + 1] - (w0 * a[1] + w1 * a[4] + w2 * a[7]);
            wz[i] = pos[3 * i + 2] - (w0 * a[2] + w1 * a[5] + w2 * a[8]);
        }
        for (int c = 0; c < nBins; c++) binStart[c + 1] += binStart[c];
        final int[] fill = Arrays.copyOf(binStart, nBins);
        final int[] sIdx = new int[n];
        final double[] sx = new double[n], sy = new double[n], sz = new double[n];
        for (int i = 0; i < n; i++) {
            int c = (bin3[3 * i] * n1 + bin3[3 * i + 1]) * n2 + bin3[3 * i + 2];
            int p = fill[c]++;
            sIdx[p] = i;
            sx[p] = wx[i];
            sy[p] = wy[i];
            sz[p] = wz[i];
        }

        // Pruning of whole bins: with p_ax = n̂_ax·v the components of a pair vector v along the unit
        // plane normals, |v|² ≥ |p|² / λmax(N Nᵀ), and |p_ax| ≥ the gap to the bin along axis ax.
        // λmax is bounded by Gershgorin (exactly 1 for an orthogonal cell).
        final double[] nrm = new double[9];
        for (int ax = 0; ax < 3; ax++) {
            double len = Math.sqrt(b[3 * ax] * b[3 * ax] + b[3 * ax + 1] * b[3 * ax + 1] + b[3 * ax + 2] * b[3 * ax + 2]);
            for (int c = 0; c < 3; c++) nrm[3 * ax + c] = b[3 * ax + c] / len;
        }
        double lamMax = 1;
        for (int r = 0; r < 3; r++) {
            double row = 1;
            for (int c = 0; c < 3; c++) {
                if (c != r) {
                    row += Math.abs(nrm[3 * r] * nrm[3 * c] + nrm[3 * r + 1] * nrm[3 * c + 1] + nrm[3 * r + 2] * nrm[3 * c + 2]);
                }
            }
            lamMax = Math.max(lamMax, row);
        }
        final double gapScale = (1 - 1e-12) / lamMax;
        final double[] binWidth = new double[3]; // perpendicular bin thickness, Å
        for (int ax = 0; ax < 3; ax++) binWidth[ax] = extent[ax] / nb[ax];

        Search search = new Search(n, pos, a, k, tBin, tShift, tMax, tBits, jShift, tMask, nb, binStart, bin3, inBin,
            wrap, wx, wy, wz, sIdx, sx, sy, sz, binWidth, gapScale, reach * reach, cutoff);
        // Pass 1, per centre i: screened candidates (j, T) packed in keys, then the exact test on the
        // original positions; the accepted keys are compacted in place, in centre order.
        search.keys = new long[initialCapacity(n, cell, periodic, pbc, cutoff)];
        int q = 0;
        for (int i = 0; i < n; i++) {
            int m = search.candidates(i, q);
            q = search.exact(i, q, m);
            search.keyStart[i + 1] = q;
        }
        return search.transpose(q);
    }

    /**
     * The two passes of the search over one structure's bins. Split from {@link #build} into methods per
     * centre so that the JIT compiles each loop nest on its own: as one method, its optimising compile
     * took 0.4–0.6 s of a 2-core machine's CPU in a one-second {@code eval}.
     */
    private static final class Search {
        final int n, tMax, tBits, jShift, n1, n2;
        final long tMask;
        final double[] pos, av, inBin, wx, wy, wz, sx, sy, sz, binWidth, g0, g1, g2;
        final int[] k, tb0, tb1, tb2, ts0, ts1, ts2, binStart, bin3, wrap, sIdx;
        final int span0, span1, span2;
        final double gapScale, c2, cutoff;
        final int[] keyStart, offsets; // offsets: first the count of pairs per neighbour j (at j + 1)
        long[] keys;

        Search(int n, double[] pos, double[] a, int[] k, int[][] tBin, int[][] tShift, int tMax, int tBits, int jShift,
               long tMask, int[] nb, int[] binStart, int[] bin3, double[] inBin, int[] wrap, double[] wx, double[] wy,
               double[] wz, int[] sIdx, double[] sx, double[] sy, double[] sz, double[] binWidth, double gapScale,
               double c2, double cutoff) {
            this.n = n;
            this.pos = pos;
            this.av = a;
            this.k = k;
            this.tb0 = tBin[0];
            this.tb1 = tBin[1];
            this.tb2 = tBin[2];
            this.ts0 = tShift[0];
            this.ts1 = tShift[1];
            this.ts2 = tShift[2];
            this.tMax = tMax;
            this.tBits = tBits;
            this.jShift = jShift;
            this.tMask = tMask;
            this.n1 = nb[1];
            this.n2 = nb[2];
            this.binStart = binStart;
            this.bin3 = bin3;
            this.inBin = inBin;
            this.wrap = wrap;
            this.wx = wx;
            this.wy = wy;
            this.wz = wz;
            this.sIdx = sIdx;
            this.sx = sx;
            this.sy = sy;
            this.sz = sz;
            this.binWidth = binWidth;
            this.gapScale = gapScale;
            this.c2 = c2;
            this.cutoff = cutoff;
            this.span0 = 2 * k[0] + 1;
            this.span1 = 2 * k[1] + 1;
            this.span2 = 2 * k[2] + 1;
            this.g0 = new double[span0];
            this.g1 = new double[span1];
            this.g2 = new double[span2];
            this.keyStart = new int[n + 1];
            this.offsets = new int[n + 1];
        }

        /** Appends centre i's screened candidates to keys from index q; returns the end of them. */
        int candidates(int i, int q) {
            final double[] av = this.av, sx = this.sx, sy = this.sy, sz = this.sz, g0 = this.g0, g1 = this.g1, g2 = this.g2;
            final int[] tb0 = this.tb0, tb1 = this.tb1, tb2 = this.tb2, ts0 = this.ts0, ts1 = this.ts1, ts2 = this.ts2;
            final int[] binStart = this.binStart, sIdx = this.sIdx;
            final int n1 = this.n1, n2 = this.n2, tMax = this.tMax, tBits = this.tBits, jShift = this.jShift;
            final double c2 = this.c2;
            final double xi = wx[i], yi = wy[i], zi = wz[i];
            final int b0 = bin3[3 * i], b1 = bin3[3 * i + 1], b2 = bin3[3 * i + 2];
            gaps(g0, k[0], inBin[3 * i], binWidth[0], gapScale);
            gaps(g1, k[1], inBin[3 * i + 1], binWidth[1], gapScale);
            gaps(g2, k[2], inBin[3 * i + 2], binWidth[2], gapScale);
            long[] keys = this.keys;
            int m = q;
            final int ownBin = (b0 * n1 + b1) * n2 + b2;
            for (int m0 = 0; m0 < span0; m0++) {
                final int c0 = tb0[b0 + m0];
                final double h0 = g0[m0];
                if (c0 < 0 || h0 >= c2) continue;
                final int s0 = ts0[b0 + m0];
                final double ox0 = s0 * av[0], oy0 = s0 * av[1], oz0 = s0 * av[2];
                for (int m1 = 0; m1 < span1; m1++) {
                    final int c1 = tb1[b1 + m1];
                    final double h01 = h0 + g1[m1];
                    if (c1 < 0 || h01 >= c2) continue;
                    final int s1 = ts1[b1 + m1];
                    final double ox1 = ox0 + s1 * av[3], oy1 = oy0 + s1 * av[4], oz1 = oz0 + s1 * av[5];
                    final int row = (c0 * n1 + c1) * n2;
                    for (int m2 = 0; m2 < span2; m2++) {
                        final int c2b = tb2[b2 + m2];
                        if (c2b < 0 || h01 + g2[m2] >= c2) continue;
                        final int cell2 = row + c2b;
                        final int pEnd = binStart[cell2 + 1];
                        int p = binStart[cell2];
                        if (p == pEnd) continue;
                        final int s2 = ts2[b2 + m2];
                        // centre moved by −shift, so d = r_j,wrapped + shift − r_i,wrapped
                        final double cx = xi - (ox1 + s2 * av[6]);
                        final double cy = yi - (oy1 + s2 * av[7]);
                        final double cz = zi - (oz1 + s2 * av[8]);
                        final long tKey = ((long) (s0 + tMax) << (2 * tBits)) | ((long) (s1 + tMax) << tBits)
                            | (s2 + tMax);
                        if (m + (pEnd - p) > keys.length) {
                            keys = grow(keys, m + (pEnd - p));
                            this.keys = keys;
                        }
                        final int binFirst = m;
                        // branch-free append: always write, advance only when inside the cutoff
                        for (; p < pEnd; p++) {
                            double dx = sx[p] - cx, dy = sy[p] - cy, dz = sz[p] - cz;
                            keys[m] = ((long) sIdx[p] << jShift) | tKey;
                            m += dx * dx + dy * dy + dz * dz < c2 ? 1 : 0;
                        }
                        if ((s0 | s1 | s2) == 0 && cell2 == ownBin) {
                            // drop the centre itself (j = i, S = 0); it is in this bin exactly once
                            final long self = ((long) i << jShift) | tKey;
                            for (int e = binFirst; e < m; e++) {
                                if (keys[e] == self) {
                                    keys[e] = keys[--m];
                                    break;
                                }
                            }
                        }
                    }
                }
            }
            return m;
        }

        /**
         * Exact test of centre i's candidates keys[q .. m): shifts relative to the original positions,
         * (r_j − r_i) + S·cell; compacts the accepted ones from q and returns their end.
         */
        int exact(int i, int q, int m) {
            final long[] keys = this.keys;
            final double[] pos = this.pos, av = this.av;
            final int[] wrap = this.wrap, offsets = this.offsets;
            final int tMax = this.tMax, tBits = this.tBits, jShift = this.jShift;
            final long tMask = this.tMask;
            final double cutoff = this.cutoff;
            final int wi0 = wrap[3 * i], wi1 = wrap[3 * i + 1], wi2 = wrap[3 * i + 2];
            final double px = pos[3 * i], py = pos[3 * i + 1], pz = pos[3 * i + 2];
            for (int e = q; e < m; e++) {
                final long key = keys[e];
                final int j = (int) (key >>> jShift);
                final int S0 = (int) ((key >>> (2 * tBits)) & tMask) - tMax - wrap[3 * j] + wi0;
                final int S1 = (int) ((key >>> tBits) & tMask) - tMax - wrap[3 * j + 1] + wi1;
                final int S2 = (int) (key & tMask) - tMax - wrap[3 * j + 2] + wi2;
                final double vx = (pos[3 * j] - px) + (S0 * av[0] + S1 * av[3] + S2 * av[6]);
                final double vy = (pos[3 * j + 1] - py) + (S0 * av[1] + S1 * av[4] + S2 * av[7]);
                final double vz = (pos[3 * j + 2] - pz) + (S0 * av[2] + S1 * av[5] + S2 * av[8]);
                if (Math.sqrt(vx * vx + vy * vy + vz * vz) < cutoff) { // else only within the screening slack
                    keys[q++] = key;
                    offsets[j + 1]++;
                }
            }
            return q;
        }

        /**
         * Pass 2: transpose. The accepted set is exactly symmetric ((r_j − r_i) + S·cell is exactly
         * antisymmetric in floating point), so (i, j, S) stored under centre j as (j, i, −S) gives
         * the full list; scanning i in increasing order sorts each centre's pairs by neighbour index
         * with a counting sort instead of a comparison sort.
         */
        NeighborList transpose(int total) {
            final long[] keys = this.keys;
            final double[] pos = this.pos, av = this.av;
            final int[] wrap = this.wrap, offsets = this.offsets, keyStart = this.keyStart;
            final int tMax = this.tMax, tBits = this.tBits, jShift = this.jShift;
            final long tMask = this.tMask;
            for (int c = 0; c < n; c++) offsets[c + 1] += offsets[c];
            final int[] fillAt = Arrays.copyOf(offsets, n);
            final int[] nbr = new int[total];
            final int[] shf = new int[3 * total];
            final double[] vec = new double[3 * total];
            final double[] dst = new double[total];
            boolean[] manyImages = null; // centres with several images of one neighbour
            for (int i = 0; i < n; i++) {
                final int wi0 = wrap[3 * i], wi1 = wrap[3 * i + 1], wi2 = wrap[3 * i + 2];
                final double px = pos[3 * i], py = pos[3 * i + 1], pz = pos[3 * i + 2];
                for (int e = keyStart[i], eEnd = keyStart[i + 1]; e < eEnd; e++) {
                    final long key = keys[e];
                    final int j = (int) (key >>> jShift);
                    // the partner (j, i, −S), computed as centre j computes it: (r_i − r_j) + (−S)·cell
                    final int S0 = -((int) ((key >>> (2 * tBits)) & tMask) - tMax - wrap[3 * j] + wi0);
                    final int S1 = -((int) ((key >>> tBits) & tMask) - tMax - wrap[3 * j + 1] + wi1);
                    final int S2 = -((int) (key & tMask) - tMax - wrap[3 * j + 2] + wi2);
                    final double vx = (px - pos[3 * j]) + (S0 * av[0] + S1 * av[3] + S2 * av[6]);
                    final double vy = (py - pos[3 * j + 1]) + (S0 * av[1] + S1 * av[4] + S2 * av[7]);
                    final double vz = (pz - pos[3 * j + 2]) + (S0 * av[2] + S1 * av[5] + S2 * av[8]);
                    final int o = fillAt[j]++;
                    if (o > offsets[j] && nbr[o - 1] == i) { // a second image of i around j
                        if (manyImages == null) manyImages = new boolean[n];
                        manyImages[j] = true;
                    }
                    nbr[o] = i;
                    shf[3 * o] = S0;
                    shf[3 * o + 1] = S1;
                    shf[3 * o + 2] = S2;
                    vec[3 * o] = vx;
                    vec[3 * o + 1] = vy;
                    vec[3 * o + 2] = vz;
                    dst[o] = Math.sqrt(vx * vx + vy * vy + vz * vz);
                }
            }
            // Several images of one neighbour (cells smaller than twice the cutoff): order them by S.
            for (int c = 0; manyImages != null && c < n; c++) {
                if (!manyImages[c]) continue;
                final int pEnd = offsets[c + 1];
                int p = offsets[c];
                while (p < pEnd) {
                    int r = p + 1;
                    while (r < pEnd && nbr[r] == nbr[p]) r++;
                    if (r - p > 1) sortImageRun(p, r, shf, vec, dst);
                    p = r;
                }
            }
            return NeighborList.of(n, cutoff, offsets, nbr, shf, vec, dst);
        }
    }

    /**
     * Scaled squared lower bounds of the distance from a centre to the bins at offsets −k..k along
     * one axis; {@code u} is the centre's place inside its bin (0..1), {@code w} the bin thickness.
     */
    private static void gaps(double[] g, int k, double u, double w, double scale) {
        for (int m = 0; m < g.length; m++) {
            int delta = m - k;
            double h = delta > 0 ? (delta - u) * w : delta < 0 ? (-delta - 1 + u) * w : 0;
            g[m] = scale * h * h;
        }
    }

    /**
     * Sorts by shift the pairs {@code from .. to-1}, which share one neighbour. They arrive in
     * decreasing shift order (the image loop visits shifts in increasing order, and the transpose
     * negates them), so reverse first; the insertion sort then only checks.
     */
    private static void sortImageRun(int from, int to, int[] shf, double[] vec, double[] dst) {
        for (int lo = from, hi = to - 1; lo < hi; lo++, hi--) swapPair(lo, hi, shf, vec, dst);
        for (int p = from + 1; p < to; p++) {
            for (int r = p; r > from && compareShift(shf, r - 1, r) > 0; r--) swapPair(r - 1, r, shf, vec, dst);
        }
    }

    private static void swapPair(int p, int q, int[] shf, double[] vec, double[] dst) {
        swap3(shf, p, q);
        swap3(vec, p, q);
        double x = dst[p];
        dst[p] = dst[q];
        dst[q] = x;
    }

    private static int compareShift(int[] s, int p, int q) {
        for (int k = 0; k < 3; k++) {
            int c = Integer.compare(s[3 * p + k], s[3 * q + k]);
            if (c != 0) return c;
        }
        return 0;
    }

    private static void swap3(int[] a, int p, int q) {
        for (int k = 0; k < 3; k++) {
            int x = a[3 * p + k];
            a[3 * p + k] = a[3 * q + k];
            a[3 * q + k] = x;
        }
    }

    private static void swap3(double[] a, int p, int q) {
        for (int k = 0; k < 3; k++) {
            double x = a[3 * p + k];
            a[3 * p + k] = a[3 * q + k];
            a[3 * q + k] = x;
        }
    }

    /** Initial capacity of the pair list: the expected count for a fully periodic cell, else a guess. */
    private static int initialCapacity(int n, Cell cell, boolean periodic, boolean[] pbc, double cutoff) {
        double est = 16.0 * n;
        if (periodic && pbc[0] && pbc[1] && pbc[2]) {
            double perAtom = n / Math.abs(cell.volume()) * (4.0 / 3.0) * Math.PI * cutoff * cutoff * cutoff;
            // plus room for one centre's unscreened candidates (a few times its neighbours)
            est = n * (1.1 * perAtom + 4) + 8 * perAtom + 256;
        }
        return (int) Math.max(64, Math.min(est, 1 << 22)); // beyond that, grow on demand
    }

    private static long[] grow(long[] a, int need) {
        return Arrays.copyOf(a, newCapacity(a.length, need));
    }

    /** Doubling growth, refusing lists whose shifts would not fit in one Java array. */
    private static int newCapacity(int current, long need) {
        if (need > MAX_PAIRS) {
            throw new IllegalArgumentException("neighbour list too large: more than " + MAX_PAIRS + " pairs");
        }
        return (int) Math.min(MAX_PAIRS, Math.max(need, 2L * current));
    }
}
