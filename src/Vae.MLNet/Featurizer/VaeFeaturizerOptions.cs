namespace Vae.MLNet;

/// <summary>
/// Options of <see cref="VaeFeaturizerEstimator"/> (ML.NET Options-class style: public fields with defaults).
/// Output column names that are null are not produced.
/// </summary>
public sealed class VaeFeaturizerOptions
{
    /// <summary>
    /// The input column: an image (<c>MLImage</c>, converted to grayscale/RGB per the model's channels and
    /// scaled by 1/255) or a vector of C·H·W Single pixels in [0, 1] (known or variable size).
    /// </summary>
    public string InputColumnName = "Image";

    /// <summary>Output column of μ, <c>Vector&lt;Single, k&gt;</c> with slot names mu_0…; null = not produced.</summary>
    public string? MuColumnName = "Mu";

    /// <summary>Output column of σ, <c>Vector&lt;Single, k&gt;</c>; null = not produced.</summary>
    public string? SigmaColumnName = "Sigma";

    /// <summary>Output column of log σ², <c>Vector&lt;Single, k&gt;</c>; null = not produced.</summary>
    public string? LogVarColumnName;

    /// <summary>
    /// Output column of a sample z = μ + σ·ε, ε ~ N(0, I); null = not produced. ε is drawn from a
    /// generator seeded by <see cref="Seed"/> and the row's pixels, so the same image always gets the
    /// same z (across runs, threads and the prediction engine).
    /// </summary>
    public string? SampledLatentColumnName;

    /// <summary>Output column of the reconstruction error −log p(x|x̂), scalar Single; contract models only.</summary>
    public string? ReconstructionErrorColumnName;

    /// <summary>
    /// Output column of the reconstruction divergence, scalar Single; contract models only: the error minus
    /// the error a perfect reconstruction would have (Σ KL(Bern(x) ‖ Bern(x̂)) for Bernoulli, ½ Σ (x − x̂)²/σ²
    /// for Gaussian). Prefer it to the error as anomaly evidence: it is not inflated by gray, textured images.
    /// </summary>
    public string? ReconstructionDivergenceColumnName;

    /// <summary>Output column of KL(q(z|x) ‖ N(0, I)), scalar Single.</summary>
    public string? KlColumnName;

    /// <summary>Output column of the reconstruction, <c>Vector&lt;Single, C·H·W&gt;</c>; contract models only.</summary>
    public string? ReconstructionColumnName;

    /// <summary>
    /// Rows per ONNX Runtime call, 1 to <see cref="MaxBatchSize"/>. A cursor's buffers grow with the rows actually
    /// read, so a large value costs memory only when the data has that many rows.
    /// </summary>
    public int BatchSize = 256;

    /// <summary>The largest <see cref="BatchSize"/>: beyond it ORT gains nothing and one batch of 3x256x256 images would pass 50 GB.</summary>
    public const int MaxBatchSize = 65_536;

    /// <summary>ONNX Runtime intra-op threads; null = the model's shared session (all cores).</summary>
    public int? IntraOpNumThreads;

    /// <summary>Seed of the sampled latent z.</summary>
    public int Seed = 42;

    /// <summary>What to do with NaN or infinite pixels.</summary>
    public InvalidPixelHandling InvalidPixelHandling = InvalidPixelHandling.Throw;

    /// <summary>
    /// How an image input of another size is brought to the model's size. The default, AsTrained, repeats the
    /// model's recorded preprocessing (contract v2: resize mode, resampling, background, colour) exactly as
    /// training did; for v1 models and foreign encoders it means None.
    /// </summary>
    public VaeImageResizing Resizing = VaeImageResizing.AsTrained;

    /// <summary>A copy, so an estimator is not changed by later edits of the caller's object.</summary>
    internal VaeFeaturizerOptions Clone() => (VaeFeaturizerOptions)MemberwiseClone();
}

/// <summary>What the featurizer does with NaN or infinite pixels.</summary>
public enum InvalidPixelHandling
{
    /// <summary>Throw an <see cref="InvalidDataException"/> naming the column and row (default).</summary>
    Throw,

    /// <summary>
    /// Do not run the model on the row: the reconstruction error and KL become <see cref="float.MaxValue"/>
    /// (a maximal anomaly score), μ, σ, log σ², z and the reconstruction become NaN.
    /// </summary>
    MaximalError,
}

/// <summary>
/// How an image input is brought to the model's H×W. On a contract v2 model every image goes through the
/// model's own preprocessing (<see cref="VaeModel.Preprocessing"/>); Fill, IsoPad and IsoCrop must then name
/// the recorded resize mode (another one would give features the model never saw, so it is refused). On v1
/// models and foreign encoders they are ML.NET's <c>ResizeImages</c> kinds, as before.
/// </summary>
public enum VaeImageResizing
{
    /// <summary>No resizing: an image of another size is an error naming the column, row and both sizes.</summary>
    None = 0,
    /// <summary>Stretch to H×W.</summary>
    Fill = 1,
    /// <summary>Keep the aspect ratio, pad.</summary>
    IsoPad = 2,
    /// <summary>Keep the aspect ratio, crop the center.</summary>
    IsoCrop = 3,
    /// <summary>As the model was trained (its recorded preprocessing); None for models that record none. The default.</summary>
    AsTrained = 4,
}
