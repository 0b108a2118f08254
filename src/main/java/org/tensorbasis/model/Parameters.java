package org.tensorbasis.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * All trainable parameters of a model in one flat {@code double[] values} with a same-shaped
 * {@code double[] grads}. Modules register named blocks at construction and keep the returned
 * {@link Block} (offset + shape); they must read {@link #values()} / {@link #grads()} at every call
 * rather than caching the arrays, because registering a block grows them.
 *
 * <p>Initialisation is deterministic: each block draws from its own {@link SplittableRandom} seeded
 * from the model seed and the block name, so adding a block does not change the others.
 */
public final class Parameters {

    /** How a block is initialised by {@link #initialize(long)}. */
    public record Init(Kind kind, double value) {
        /** Kind of initialisation. */
        public enum Kind { CONSTANT, UNIFORM }

        /** Every entry equal to {@code c}. */
        public static Init constant(double c) { return new Init(Kind.CONSTANT, c); }

        /** Independent draws from U(−bound, bound). */
        public static Init uniform(double bound) { return new Init(Kind.UNIFORM, bound); }

        /** PyTorch's {@code nn.Linear} default: U(−1/√fan_in, 1/√fan_in). */
        public static Init linear(int fanIn) { return uniform(1.0 / Math.sqrt(fanIn)); }
    }

    /**
     * A named block: entries {@code offset .. offset+size-1} of the flat arrays, row-major in
     * {@code shape}. A block that is not {@code trainable} is a buffer ({@link #registerBuffer}):
     * saved, loaded, copied and snapshotted like the others, but no module writes a gradient for it,
     * so optimisers leave it unchanged.
     */
    public record Block(String name, int offset, int[] shape, int size, Init init, boolean trainable) {
        /** Entry {@code i} of the block lives at {@code offset + i}. */
        public int end() { return offset + size; }

        @Override
        public String toString() {
            return name + Arrays.toString(shape) + "@" + offset;
        }
    }

    private final Map<String, Block> byName = new LinkedHashMap<>();
    private final List<Block> blocks = new ArrayList<>();
    private double[] values = new double[0];
    private double[] grads = new double[0];
    private int size;

    /** Registers a block initialised to zero by {@link #initialize(long)}. */
    public Block register(String name, int... shape) {
        return register(name, Init.constant(0.0), shape);
    }

    /**
     * Registers a new block of the given shape; its values are set by {@code init} immediately with a
     * seed of 0 (call {@link #initialize(long)} for the model seed).
     *
     * @throws IllegalArgumentException if the name is taken or a dimension is negative
     */
    public Block register(String name, Init init, int... shape) {
        return register(name, init, true, shape);
    }

    /**
     * Registers a buffer: a block of model state that is not trained (its gradient stays zero, e.g.
     * constants fitted to the data before training), stored with the parameters so that model files,
     * checkpoints and replicas carry it.
     */
    public Block registerBuffer(String name, Init init, int... shape) {
        return register(name, init, false, shape);
    }

    private Block register(String name, Init init, boolean trainable, int... shape) {
        if (byName.containsKey(name)) throw new IllegalArgumentException("parameter block already registered: " + name);
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in " + name + Arrays.toString(shape));
            n *= d;
        }
        if (size + n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("too many parameters");
        Block b = new Block(name, size, shape.clone(), (int) n, init, trainable);
        size += (int) n;
        // the values grow geometrically while blocks are registered (a network of many elements registers
        // hundreds of blocks: copying the whole array for each was quadratic); fit() trims them to the
        // size and sizes the gradients when they are first used
        if (values.length < size) values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(size, values.length + (values.length >> 1))));
        byName.put(name, b);
        blocks.add(b);
        fill(b, 0L);
        return b;
    }

    /** The block called {@code name}. @throws IllegalArgumentException if absent */
    public Block block(String name) {
        Block b = byName.get(name);
        if (b == null) throw new IllegalArgumentException("no parameter block " + name);
        return b;
    }

    /** True if a block called {@code name} exists. */
    public boolean has(String name) { return byName.containsKey(name); }

    /** Blocks in registration order. */
    public List<Block> blocks() { return Collections.unmodifiableList(blocks); }

    /** Total number of parameters. */
    public int size() { return size; }

    /** The flat values (live array: re-read after registering blocks). */
    public double[] values() {
        fit();
        return values;
    }

    /** The flat gradients, same layout as {@link #values()}; backward passes accumulate into it. */
    public double[] grads() {
        fit();
        return grads;
    }

    /** Trims the values to {@link #size()} and sizes the gradients after registrations (keeping the gradients so far). */
    private void fit() {
        if (values.length != size) values = Arrays.copyOf(values, size);
        if (grads.length != size) grads = Arrays.copyOf(grads, size);
    }

    /** Sets every gradient to zero. */
    public void zeroGrads() { Arrays.fill(grads(), 0.0); }

    /** Re-initialises every block from {@code seed} (deterministic, independent of other blocks). */
    public void initialize(long seed) {
        for (Block b : blocks) fill(b, seed);
    }

    /** A copy of the values (for best-model keeping and checkpoints). */
    public double[] snapshot() { return values().clone(); }

    /** Copies {@code snapshot} back into the values. @throws IllegalArgumentException on size mismatch */
    public void restore(double[] snapshot) {
        if (snapshot.length != size) {
            throw new IllegalArgumentException("snapshot has " + snapshot.length + " values, model has " + size);
        }
        System.arraycopy(snapshot, 0, values(), 0, size);
    }

    /** Copies the values into {@code dst} (allocated if null or of the wrong size) and returns it. */
    public double[] copyValuesTo(double[] dst) {
        if (dst == null || dst.length != size) dst = new double[size];
        System.arraycopy(values(), 0, dst, 0, size);
        return dst;
    }

    private void fill(Block b, long seed) {
        Init init = b.init();
        if (init.kind() == Init.Kind.CONSTANT) {
            Arrays.fill(values, b.offset(), b.end(), init.value());
            return;
        }
        SplittableRandom rng = new SplittableRandom(mix(seed, b.name()));
        double bound = init.value();
        for (int i = b.offset(); i < b.end(); i++) values[i] = (2.0 * rng.nextDouble() - 1.0) * bound;
    }

    /** Seed of a block: the model seed mixed with a 64-bit FNV-1a hash of its name. */
    static long mix(long seed, String name) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            h ^= name.charAt(i);
            h *= 0x100000001b3L;
        }
        long z = seed * 0x9E3779B97F4A7C15L + h;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
