package org.tensorbasis.basis;

import java.util.ArrayList;
import java.util.List;
import org.tensorbasis.equivariant.ClebschGordan;
import org.tensorbasis.equivariant.SphericalHarmonics;

/**
 * A fixed, straight-line program of equivariant operations on small spherical tensors, built once
 * per basis configuration and executed per atom with a reusable {@link Workspace}: forward fills
 * every node, backward propagates gradients from the output nodes back to the input nodes.
 *
 * <p>A node is a spherical tensor of order l (2l+1 doubles, μ = −l..l) at a fixed offset of the
 * workspace. Operations: solid harmonics R^0..R^L of an l = 1 node (read as a Cartesian vector
 * through the (y, z, x) ordering), Clebsch–Gordan coupling {@code [a ⊗ b]^L}, and multiplication by
 * an l = 0 node. Every operation is equivariant, so every node is, whatever the inputs' values.
 */
final class BasisProgram {
    /** Per-thread scratch of one program: values, gradients, and the solid-harmonic Jacobians. */
    static final class Workspace {
        final double[] val;
        final double[] grad;
        final double[] jac;
        // values only (a prediction: no backward): the solid harmonics without their gradient, the same values bit for bit
        boolean valuesOnly;

        Workspace(int size, int jacSize) {
            val = new double[size];
            grad = new double[size];
            jac = new double[Math.max(jacSize, 1)];
        }
    }

    private interface Op {
        void forward(Workspace ws);

        void backward(Workspace ws);
    }

    private final List<Integer> nodeL = new ArrayList<>();
    private final List<Integer> nodeOff = new ArrayList<>();
    private final List<Op> ops = new ArrayList<>();
    private final List<Integer> constants = new ArrayList<>();
    private int size;
    private int jacSize;
    private Op[] opArray;
    private int[] constantOffsets;

    /** Adds an input node of order l (filled by the caller before {@link #forward}). */
    int input(int l) {
        return newNode(l);
    }

    /** Adds a constant l = 0 node equal to 1. */
    int one() {
        int n = newNode(0);
        constants.add(n);
        return n;
    }

    int order(int node) {
        return nodeL.get(node);
    }

    int offset(int node) {
        return nodeOff.get(node);
    }

    int bufferSize() {
        return size;
    }

    private int newNode(int l) {
        nodeL.add(l);
        nodeOff.add(size);
        size += 2 * l + 1;
        return nodeL.size() - 1;
    }

    /**
     * Solid harmonics R^0..R^lmax of the l = 1 node {@code in}; returns the node of each order.
     * The nodes are contiguous, in the harmonics' {@code l² + l + m} layout.
     */
    int[] solid(int in, int lmax) {
        if (order(in) != 1) throw new IllegalArgumentException("solid harmonics need an l = 1 node");
        int[] nodes = new int[lmax + 1];
        for (int l = 0; l <= lmax; l++) nodes[l] = newNode(l);
        final int inOff = offset(in);
        final int outOff = offset(nodes[0]);
        final int jOff = jacSize;
        final int n = SphericalHarmonics.size(lmax);
        jacSize += 3 * n;
        final SphericalHarmonics sh = new SphericalHarmonics(lmax);
        ops.add(new Op() {
            @Override
            public void forward(Workspace ws) {
                double[] v = ws.val;
                // spherical l = 1 components are (y, z, x)
                if (ws.valuesOnly) {
                    sh.solid(v[inOff + 2], v[inOff], v[inOff + 1], v, outOff);
                } else {
                    sh.solidWithGradient(v[inOff + 2], v[inOff], v[inOff + 1], v, outOff, ws.jac, jOff);
                }
            }

            @Override
            public void backward(Workspace ws) {
                double[] g = ws.grad;
                double[] j = ws.jac;
                double gx = 0, gy = 0, gz = 0;
                for (int i = 0; i < n; i++) {
                    double go = g[outOff + i];
                    if (go == 0.0) continue;
                    gx += go * j[jOff + 3 * i];
                    gy += go * j[jOff + 3 * i + 1];
                    gz += go * j[jOff + 3 * i + 2];
                }
                g[inOff] += gy;
                g[inOff + 1] += gz;
                g[inOff + 2] += gx;
            }
        });
        return nodes;
    }

    /** The coupling {@code [a ⊗ b]^L}. */
    int couple(int a, int b, int bigL) {
        final int out = newNode(bigL);
        final ClebschGordan cg = ClebschGordan.of(order(a), order(b), bigL);
        final int aOff = offset(a);
        final int bOff = offset(b);
        final int oOff = offset(out);
        ops.add(new Op() {
            @Override
            public void forward(Workspace ws) {
                cg.couple(ws.val, aOff, ws.val, bOff, ws.val, oOff);
            }

            @Override
            public void backward(Workspace ws) {
                cg.backward(ws.val, aOff, ws.val, bOff, ws.grad, oOff, ws.grad, aOff, ws.grad, bOff);
            }
        });
        return out;
    }

    /** The product of node {@code t} with the scalar (l = 0) node {@code p}. */
    int scale(int t, int p) {
        if (order(p) != 0) throw new IllegalArgumentException("scale needs an l = 0 factor");
        final int out = newNode(order(t));
        final int tOff = offset(t);
        final int pOff = offset(p);
        final int oOff = offset(out);
        final int n = 2 * order(t) + 1;
        ops.add(new Op() {
            @Override
            public void forward(Workspace ws) {
                double[] v = ws.val;
                double s = v[pOff];
                for (int i = 0; i < n; i++) v[oOff + i] = v[tOff + i] * s;
            }

            @Override
            public void backward(Workspace ws) {
                double[] v = ws.val;
                double[] g = ws.grad;
                double s = v[pOff];
                double gp = 0;
                for (int i = 0; i < n; i++) {
                    g[tOff + i] += g[oOff + i] * s;
                    gp += g[oOff + i] * v[tOff + i];
                }
                g[pOff] += gp;
            }
        });
        return out;
    }

    /** Ends construction; the program is immutable and thread-safe afterwards. */
    void freeze() {
        opArray = ops.toArray(new Op[0]);
        constantOffsets = new int[constants.size()];
        for (int i = 0; i < constantOffsets.length; i++) constantOffsets[i] = offset(constants.get(i));
    }

    Workspace newWorkspace() {
        return new Workspace(size, jacSize);
    }

    /** Runs every operation; the caller has filled the input nodes of {@code ws.val}. */
    void forward(Workspace ws) {
        for (int c : constantOffsets) ws.val[c] = 1.0;
        for (Op op : opArray) op.forward(ws);
    }

    /**
     * Back-propagates: the caller has zeroed {@code ws.grad} with {@link #clearGrad} and set the
     * gradients of the output nodes; afterwards the input nodes hold their gradients. Requires the
     * values of the matching {@link #forward}.
     */
    void backward(Workspace ws) {
        for (int i = opArray.length - 1; i >= 0; i--) opArray[i].backward(ws);
    }

    /** Doubles needed to keep the state of one forward pass (node values and solid-harmonic Jacobians). */
    int stateSize() {
        return size + jacSize;
    }

    /** Copies the state of the last {@link #forward} of {@code ws} to {@code dst[off ..]}. */
    void save(Workspace ws, double[] dst, int off) {
        System.arraycopy(ws.val, 0, dst, off, size);
        System.arraycopy(ws.jac, 0, dst, off + size, jacSize);
    }

    /** Restores a state saved by {@link #save}, as if that forward had just run on {@code ws}. */
    void restore(Workspace ws, double[] src, int off) {
        System.arraycopy(src, off, ws.val, 0, size);
        System.arraycopy(src, off + size, ws.jac, 0, jacSize);
    }

    void clearGrad(Workspace ws) {
        java.util.Arrays.fill(ws.grad, 0.0);
    }
}
