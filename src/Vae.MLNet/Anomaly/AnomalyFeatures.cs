namespace Vae.MLNet;

/// <summary>
/// The featurizer outputs of a set of rows that a score needs, row-major: error and KL per row (empty
/// when not read), μ as rows×k (empty when not read).
/// </summary>
internal sealed class AnomalyFeatures(int rows, int latentDim, float[] error, float[] kl, float[] mu, float[] logVar)
{
    public int Rows { get; } = rows;
    public int LatentDim { get; } = latentDim;
    public float[] Error { get; } = error;
    public float[] Kl { get; } = kl;
    public float[] Mu { get; } = mu;
    public float[] LogVar { get; } = logVar;

    public ReadOnlySpan<float> MuOf(int row) => Mu.AsSpan(row * LatentDim, LatentDim);

    public ReadOnlySpan<float> LogVarOf(int row) => LogVar.AsSpan(row * LatentDim, LatentDim);

    /// <summary>The codes (μ, log σ²) side by side, rows×2k: what the Combined score's Gaussian is fitted to.</summary>
    public float[] MuAndLogVar()
    {
        var codes = new float[Rows * 2 * LatentDim];
        for (int r = 0; r < Rows; r++)
        {
            MuOf(r).CopyTo(codes.AsSpan(r * 2 * LatentDim));
            LogVarOf(r).CopyTo(codes.AsSpan(r * 2 * LatentDim + LatentDim));
        }
        return codes;
    }

    /// <summary>
    /// The rows the featurizer marked as holding NaN/Inf pixels (InvalidPixelHandling.MaximalError): error or KL
    /// of float.MaxValue, or NaN codes. Their scores say nothing about the fitting distribution, so they must not
    /// place the threshold (one such row at the 0.99 quantile would lift it to 3.4e38).
    /// </summary>
    public bool IsInvalid(int row)
    {
        if (Error.Length > 0 && !IsValidScore(Error[row])) return true;
        if (Kl.Length > 0 && !IsValidScore(Kl[row])) return true;
        foreach (float v in Mu.Length > 0 ? MuOf(row) : default)
            if (!float.IsFinite(v)) return true;
        foreach (float v in LogVar.Length > 0 ? LogVarOf(row) : default)
            if (!float.IsFinite(v)) return true;
        return false;
    }

    private static bool IsValidScore(float v) => float.IsFinite(v) && v != float.MaxValue;

    /// <summary>These features without the <see cref="IsInvalid"/> rows; <paramref name="excluded"/> counts them.</summary>
    public AnomalyFeatures WithoutInvalidRows(out int excluded)
    {
        var keep = Enumerable.Range(0, Rows).Where(r => !IsInvalid(r)).ToArray();
        excluded = Rows - keep.Length;
        if (excluded == 0)
            return this;
        int k = LatentDim;
        float[] Pick(float[] values, int width) =>
            values.Length == 0 ? values : keep.SelectMany(r => values.AsSpan(r * width, width).ToArray()).ToArray();
        return new AnomalyFeatures(keep.Length, k, Pick(Error, 1), Pick(Kl, 1), Pick(Mu, k), Pick(LogVar, k));
    }
}
