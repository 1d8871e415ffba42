namespace Vae.MLNet.Anomaly;

/// <summary>
/// The featurizer outputs of a set of rows that a score needs, row-major: error and KL per row (empty
/// when not read), μ as rows×k (empty when not read).
/// </summary>
internal sealed class AnomalyFeatures(int rows, int latentDim, float[] error, float[] kl, float[] mu)
{
    public int Rows { get; } = rows;
    public int LatentDim { get; } = latentDim;
    public float[] Error { get; } = error;
    public float[] Kl { get; } = kl;
    public float[] Mu { get; } = mu;

    public ReadOnlySpan<float> MuOf(int row) => Mu.AsSpan(row * LatentDim, LatentDim);
}
