namespace Vae.MLNet;

/// <summary>Output values of one scored batch, one array per produced column kind (row-major).</summary>
internal sealed class ScoredBatch
{
    public float[]? Mu, Sigma, LogVar, SampledLatent, ReconstructionError, ReconstructionDivergence, Kl, Reconstruction;

    public float[] For(FeaturizerOutputKind kind) => (kind switch
    {
        FeaturizerOutputKind.Mu => Mu,
        FeaturizerOutputKind.Sigma => Sigma,
        FeaturizerOutputKind.LogVar => LogVar,
        FeaturizerOutputKind.SampledLatent => SampledLatent,
        FeaturizerOutputKind.ReconstructionError => ReconstructionError,
        FeaturizerOutputKind.ReconstructionDivergence => ReconstructionDivergence,
        FeaturizerOutputKind.Kl => Kl,
        FeaturizerOutputKind.Reconstruction => Reconstruction,
        _ => null,
    }) ?? throw new InvalidOperationException($"Output {kind} was not computed for this batch (column inactive).");
}

/// <summary>Runs the model on a batch and derives the featurizer's columns (z, invalid-row values).</summary>
internal static class BatchScorer
{
    public static ScoredBatch Score(VaeSession session, FeaturizerBinding binding, float[] pixels, bool[] valid, int rows,
        IReadOnlyCollection<FeaturizerOutputKind> kinds)
    {
        var model = binding.Model;
        VaeOutputKinds needs = VaeOutputKinds.None;
        foreach (var kind in kinds)
            needs |= binding.Outputs.First(o => o.Kind == kind).Needs;
        var batch = new ScoredBatch();
        if (needs == VaeOutputKinds.None || rows == 0)
            return batch;

        bool anyValid = valid.AsSpan(0, rows).Contains(true);
        VaeBatchResult result = anyValid
            ? session.Run(pixels.AsMemory(0, rows * model.PixelCount), rows, needs)
            : EmptyResult(model, rows, needs);
        batch.Mu = kinds.Contains(FeaturizerOutputKind.Mu) ? result.Mu : null;
        batch.Sigma = kinds.Contains(FeaturizerOutputKind.Sigma) ? result.Sigma : null;
        batch.LogVar = result.LogVar;
        batch.ReconstructionError = result.ReconstructionError;
        batch.ReconstructionDivergence = result.ReconstructionDivergence;
        batch.Kl = result.Kl;
        batch.Reconstruction = result.Reconstruction;
        if (kinds.Contains(FeaturizerOutputKind.SampledLatent))
            batch.SampledLatent = Sample(result.Mu!, result.Sigma!, pixels, rows, model, binding.Options.Seed);

        if (!anyValid || valid.AsSpan(0, rows).Contains(false))
            MarkInvalidRows(batch, valid, rows, model);
        return batch;
    }

    private static VaeBatchResult EmptyResult(VaeModel model, int rows, VaeOutputKinds needs)
    {
        int k = model.LatentDim, p = model.PixelCount;
        return new VaeBatchResult(rows, k, p)
        {
            Mu = needs.HasFlag(VaeOutputKinds.Mu) ? new float[rows * k] : null,
            Sigma = needs.HasFlag(VaeOutputKinds.Sigma) ? new float[rows * k] : null,
            LogVar = needs.HasFlag(VaeOutputKinds.LogVar) ? new float[rows * k] : null,
            Reconstruction = needs.HasFlag(VaeOutputKinds.Reconstruction) ? new float[rows * p] : null,
            ReconstructionError = needs.HasFlag(VaeOutputKinds.ReconstructionError) ? new float[rows] : null,
            ReconstructionDivergence = needs.HasFlag(VaeOutputKinds.ReconstructionDivergence) ? new float[rows] : null,
            Kl = needs.HasFlag(VaeOutputKinds.Kl) ? new float[rows] : null,
        };
    }

    /// <summary>Rows with NaN/Inf pixels: features undefined (NaN), scores maximal.</summary>
    private static void MarkInvalidRows(ScoredBatch batch, bool[] valid, int rows, VaeModel model)
    {
        int k = model.LatentDim, p = model.PixelCount;
        for (int r = 0; r < rows; r++)
        {
            if (valid[r])
                continue;
            batch.Mu?.AsSpan(r * k, k).Fill(float.NaN);
            batch.Sigma?.AsSpan(r * k, k).Fill(float.NaN);
            batch.LogVar?.AsSpan(r * k, k).Fill(float.NaN);
            batch.SampledLatent?.AsSpan(r * k, k).Fill(float.NaN);
            batch.Reconstruction?.AsSpan(r * p, p).Fill(float.NaN);
            if (batch.ReconstructionError != null) batch.ReconstructionError[r] = float.MaxValue;
            if (batch.ReconstructionDivergence != null) batch.ReconstructionDivergence[r] = float.MaxValue;
            if (batch.Kl != null) batch.Kl[r] = float.MaxValue;
        }
    }

    /// <summary>
    /// z = μ + σ·ε with ε from a generator seeded by the seed and a hash of the row's pixels: the same
    /// image gets the same z wherever and whenever it is scored.
    /// </summary>
    private static float[] Sample(float[] mu, float[] sigma, float[] pixels, int rows, VaeModel model, int seed)
    {
        int k = model.LatentDim, p = model.PixelCount;
        var z = new float[rows * k];
        for (int r = 0; r < rows; r++)
        {
            var rng = new SplitMix64(RowHash(pixels.AsSpan(r * p, p), seed));
            for (int j = 0; j < k; j++)
                z[r * k + j] = (float)(mu[r * k + j] + sigma[r * k + j] * rng.NextGaussian());
        }
        return z;
    }

    /// <summary>FNV-1a over the pixel bits and the seed: stable across processes (unlike HashCode).</summary>
    internal static ulong RowHash(ReadOnlySpan<float> pixels, int seed)
    {
        ulong h = 14695981039346656037UL ^ (uint)seed;
        foreach (float v in pixels)
        {
            h ^= BitConverter.SingleToUInt32Bits(v);
            h *= 1099511628211UL;
        }
        return h;
    }

    /// <summary>SplitMix64 with Box–Muller: small, fast, reproducible normal draws.</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        private ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        private double NextUnit() => ((Next() >> 11) + 0.5) * (1.0 / (1UL << 53)); // in (0, 1)

        public double NextGaussian() => Math.Sqrt(-2.0 * Math.Log(NextUnit())) * Math.Cos(2.0 * Math.PI * NextUnit());
    }
}
