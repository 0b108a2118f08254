package org.tensorbasis.model;

/**
 * Linear warm-up then cosine decay to 0 (the reference's schedule, as PyTorch's {@code LambdaLR}):
 * with W warm-up steps and T total steps,
 * {@code lr(s) = base·s/W} for {@code s < W}, then {@code base·½(1 + cos(π·(s − W)/(T − W)))},
 * and 0 from step T on. Like {@code LambdaLR}, the first update (s = 0) has rate 0 when W > 0.
 * {@code W = floor(warmupFraction·T)}.
 */
public final class WarmupCosineSchedule implements LearningRateSchedule {
    private final double base;
    private final long total;
    private final long warmup;

    /**
     * @param base           peak learning rate
     * @param totalSteps     T (≥ 1)
     * @param warmupFraction fraction of T spent warming up, in [0, 1)
     */
    public WarmupCosineSchedule(double base, long totalSteps, double warmupFraction) {
        if (totalSteps < 1 || !(warmupFraction >= 0 && warmupFraction < 1) || !(base >= 0)) {
            throw new IllegalArgumentException("invalid warm-up/cosine schedule");
        }
        this.base = base;
        this.total = totalSteps;
        this.warmup = (long) Math.floor(warmupFraction * totalSteps);
    }

    /** Number of warm-up steps W. */
    public long warmupSteps() { return warmup; }

    @Override
    public double lr(long step) {
        if (step < warmup) return base * step / warmup;
        if (step >= total) return 0.0;
        double progress = (double) (step - warmup) / Math.max(1, total - warmup);
        return base * 0.5 * (1.0 + Math.cos(Math.PI * progress));
    }
}
