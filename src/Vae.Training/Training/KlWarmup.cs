namespace Vae.Training;

/// <summary>How the length of the KL warm-up is counted.</summary>
public enum KlWarmupUnit
{
    /// <summary>Length in epochs; the factor still grows with every step (fractional epochs).</summary>
    Epochs,
    /// <summary>Length in optimiser steps (batches).</summary>
    Steps,
}

/// <summary>
/// Linear KL warm-up (Bowman et al. 2016; Sønderby et al. 2016): the KL weight grows linearly from ≈0 to 1
/// over the warm-up length, then stays at 1. The factor for a step is min(1, t / length), where t counts the
/// step itself (t = steps done + 1, or epochs done + (batch + 1)/batches per epoch), so the first step
/// already gets a small positive weight and the last step of the warm-up gets exactly 1.
/// </summary>
public static class KlWarmup
{
    /// <summary>Warm-up factor in [0, 1] for batch <paramref name="batch"/> (0-based) of epoch <paramref name="epoch"/> (0-based).</summary>
    public static double Factor(int length, KlWarmupUnit unit, int epoch, int batch, int batchesPerEpoch)
    {
        if (length <= 0) return 1.0;
        if (batchesPerEpoch <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchesPerEpoch), batchesPerEpoch, "Batches per epoch must be positive.");
        double progress = unit == KlWarmupUnit.Steps
            ? (double)epoch * batchesPerEpoch + batch + 1
            : epoch + (batch + 1.0) / batchesPerEpoch;
        return Math.Min(1.0, progress / length);
    }
}
