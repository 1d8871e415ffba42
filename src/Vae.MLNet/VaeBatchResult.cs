namespace Vae.MLNet;

/// <summary>
/// The outputs of one <see cref="VaeModel.Run"/> call, row-major: row r of μ is
/// <c>Mu[r*LatentDim .. (r+1)*LatentDim)</c>. Arrays that were not requested are null.
/// </summary>
public sealed class VaeBatchResult
{
    internal VaeBatchResult(int rows, int latentDim, int pixelCount)
    {
        Rows = rows;
        LatentDim = latentDim;
        PixelCount = pixelCount;
    }

    /// <summary>Number of rows.</summary>
    public int Rows { get; }
    /// <summary>Latent size k.</summary>
    public int LatentDim { get; }
    /// <summary>C·H·W.</summary>
    public int PixelCount { get; }
#pragma warning disable CA1819 // Properties should not return arrays: these are the raw batch buffers, by design.
    /// <summary>μ, Rows×k.</summary>
    public float[]? Mu { get; internal set; }
    /// <summary>log σ², Rows×k.</summary>
    public float[]? LogVar { get; internal set; }
    /// <summary>σ, Rows×k.</summary>
    public float[]? Sigma { get; internal set; }
    /// <summary>Reconstruction, Rows×C·H·W.</summary>
    public float[]? Reconstruction { get; internal set; }
    /// <summary>Reconstruction error, Rows.</summary>
    public float[]? ReconstructionError { get; internal set; }
    /// <summary>Reconstruction divergence (error − error of a perfect reconstruction), Rows.</summary>
    public float[]? ReconstructionDivergence { get; internal set; }
    /// <summary>KL, Rows.</summary>
    public float[]? Kl { get; internal set; }
    /// <summary>Per-pixel terms of the reconstruction error (the error map), Rows×C·H·W.</summary>
    internal float[]? ErrorTerms { get; set; }
#pragma warning restore CA1819
}
