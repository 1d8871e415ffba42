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
}
