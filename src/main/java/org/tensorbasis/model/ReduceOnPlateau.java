package org.tensorbasis.model;

/**
 * Reduce-on-plateau learning rate (as PyTorch's {@code ReduceLROnPlateau}, mode "min", relative
 * threshold): after each epoch {@link #observe} the validation metric; when it has not improved on
 * the best by more than {@code threshold·|best|} for more than {@code patience} epochs in a row, the
 * rate is multiplied by {@code factor} (not below {@code minLr}) and the count restarts.
 */
public final class ReduceOnPlateau {
    private final double factor;
    private final int patience;
    private final double threshold;
    private final double minLr;
    private double lr;
    private double best = Double.POSITIVE_INFINITY;
    private int badEpochs;

    /** Threshold 1e-4 and minimum rate 0, as PyTorch's defaults. */
    public ReduceOnPlateau(double initialLr, double factor, int patience) {
        this(initialLr, factor, patience, 1e-4, 0.0);
    }

    public ReduceOnPlateau(double initialLr, double factor, int patience, double threshold, double minLr) {
        if (!(factor > 0 && factor < 1) || patience < 0 || !(threshold >= 0) || !(minLr >= 0) || !(initialLr >= 0)) {
            throw new IllegalArgumentException("invalid reduce-on-plateau options");
        }
        this.lr = initialLr;
        this.factor = factor;
        this.patience = patience;
        this.threshold = threshold;
        this.minLr = minLr;
    }

    /** Current learning rate. */
    public double lr() { return lr; }

    /** Records an epoch's metric (lower is better) and returns the rate for the next epoch. */
    public double observe(double metric) {
        if (metric < best * (1.0 - threshold)) { // best = +inf: any finite metric improves
            best = metric;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        if (badEpochs > patience) {
            lr = Math.max(lr * factor, minLr);
            badEpochs = 0;
        }
        return lr;
    }

    /** Best metric so far. */
    public double best() { return best; }

    /** Epochs since the last improvement. */
    public int badEpochs() { return badEpochs; }

    /** Restores a checkpointed state. */
    public void restore(double lr, double best, int badEpochs) {
        this.lr = lr;
        this.best = best;
        this.badEpochs = badEpochs;
    }
}
