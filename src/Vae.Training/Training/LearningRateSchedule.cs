namespace Vae.Training;

/// <summary>How the Adam learning rate changes over a run.</summary>
public enum LearningRateSchedule
{
    /// <summary>The same rate for every step.</summary>
    Constant,
    /// <summary>
    /// Cosine decay from the rate to 0 over all steps of <see cref="TrainOptions.Epochs"/> epochs (Loshchilov &amp;
    /// Hutter 2017, without restarts): short runs end on small steps instead of on Adam's noise floor.
    /// </summary>
    Cosine,
}

/// <summary>The multiplier of <see cref="TrainOptions.LearningRate"/> for one optimiser step.</summary>
public static class LearningRateSchedules
{
    /// <summary>
    /// Factor in [0, 1] for batch <paramref name="batch"/> (0-based) of epoch <paramref name="epoch"/> (0-based)
    /// in a run of <paramref name="epochs"/> epochs. Cosine uses the progress before the step, t / T with
    /// t = steps done: the first step gets the full rate, the last a small positive one. A pure function of
    /// the step, so a resumed run continues on the same curve (as long as the total epochs stay the same).
    /// </summary>
    public static double Factor(LearningRateSchedule schedule, int epoch, int batch, int batchesPerEpoch, int epochs)
    {
        if (schedule == LearningRateSchedule.Constant) return 1.0;
        if (batchesPerEpoch <= 0 || epochs <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchesPerEpoch), $"Batches per epoch ({batchesPerEpoch}) and epochs ({epochs}) must be positive.");
        double total = (double)epochs * batchesPerEpoch;
        double done = Math.Min((double)epoch * batchesPerEpoch + batch, total);
        return 0.5 * (1.0 + Math.Cos(Math.PI * done / total));
    }
}
