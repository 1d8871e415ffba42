namespace Vae.MLNet;

/// <summary>
/// The VAE ONNX contract (version 2): the tensor names and metadata keys that every model written by
/// Vae.Training carries, and that <c>VaeModel</c> reads. Version 2 adds <see cref="Metadata.Preprocessing"/>;
/// version 1 models (without it) still load. See docs/contract.md.
/// </summary>
public static class VaeContract
{
    /// <summary>The contract version this library writes; it reads this and version 1, and refuses newer ones.</summary>
    public const int Version = 2;

    /// <summary>Input of <c>vae.onnx</c>: float32 [N, C, H, W], pixels in [0, 1].</summary>
    public const string ImageInput = "image";
    /// <summary>Input of <c>decoder.onnx</c>: float32 [N, k].</summary>
    public const string LatentInput = "z";

    /// <summary>Mean of q(z|x), [N, k].</summary>
    public const string Mu = "mu";
    /// <summary>Log-variance of q(z|x), [N, k].</summary>
    public const string LogVar = "logvar";
    /// <summary>Standard deviation of q(z|x) = exp(½·logvar), [N, k].</summary>
    public const string Sigma = "sigma";
    /// <summary>Decoder mean for z = μ, in pixel space, [N, C, H, W].</summary>
    public const string Reconstruction = "reconstruction";
    /// <summary>−log p(x | x̂) summed over pixels under the trained likelihood, [N].</summary>
    public const string ReconstructionError = "reconstruction_error";
    /// <summary>KL(q(z|x) ‖ N(0, I)) in nats, [N].</summary>
    public const string Kl = "kl";

    /// <summary>Keys of the model's <c>metadata_props</c>.</summary>
    public static class Metadata
    {
        /// <summary>Contract version, "2" (or "1" for models written before the preprocessing was recorded).</summary>
        public const string Contract = "vae.contract";
        /// <summary>C×H×W, e.g. "1x28x28".</summary>
        public const string ImageShape = "vae.image_shape";
        /// <summary>Latent size k.</summary>
        public const string LatentDim = "vae.latent_dim";
        /// <summary>"bernoulli", "gaussian", "laplace" or "discretized_logistic".</summary>
        public const string Likelihood = "vae.likelihood";
        /// <summary>
        /// σ of the Gaussian likelihood: a number (one σ for every channel, as v1 models state it) or a JSON
        /// array of one σ per image channel; absent for the other likelihoods.
        /// </summary>
        public const string GaussianSigma = "vae.likelihood.sigma";
        /// <summary>
        /// The learned scale of the Laplace (b) or discretized logistic (s) likelihood: a JSON array of one
        /// value per image channel (a number is read as the same value for every channel); absent otherwise.
        /// </summary>
        public const string LikelihoodScale = "vae.likelihood.scale";
        /// <summary>KL weight β used in training.</summary>
        public const string Beta = "vae.beta";
        /// <summary>Architecture description, e.g. "mlp:400" or "conv:32,64".</summary>
        public const string Architecture = "vae.architecture";
        /// <summary>JSON object of quantiles of reconstruction_error on the training data, e.g. {"0.5":..., "0.99":...}.</summary>
        public const string TrainErrorQuantiles = "vae.train.error_quantiles";
        /// <summary>Description of the training data.</summary>
        public const string TrainDataset = "vae.train.dataset";
        /// <summary>
        /// The learned prior p(z) when it is a mixture of Gaussians, as JSON
        /// {"weights": [K], "means": [[k] × K], "variances": [[k] × K]}; absent for the standard N(0, I).
        /// </summary>
        public const string Prior = "vae.prior";
        /// <summary>
        /// How input images were made from files (contract v2; required there): JSON
        /// {"resize": "stretch"|"pad"|"crop", "resampling": …, "background": "#RRGGBB", "color": "gray-bt601"|"rgb",
        /// "orientation": "exif"|"as-stored", "scaling": "byte/255"}; see <see cref="VaeImagePreprocessing"/>.
        /// </summary>
        public const string Preprocessing = "vae.preprocessing";
        /// <summary>Name and version of the program that wrote the model.</summary>
        public const string Producer = "vae.producer";
    }
}
