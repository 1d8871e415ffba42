using static TorchSharp.torch;

namespace Vae.Training;

/// <summary>
/// The pieces of one batch's loss. <see cref="Objective"/> is the scalar that is minimised (mean
/// reconstruction + effective β × the KL term, with free bits if set); the others are the honest,
/// unweighted per-image quantities that are logged.
/// </summary>
/// <param name="Objective">Scalar training objective (carries gradients).</param>
/// <param name="Reconstruction">−log p(x|z) per image, [N].</param>
/// <param name="Kl">KL(q(z|x) ‖ N(0, I)) per image, [N].</param>
/// <param name="KlPerDimension">KL per image and latent dimension, [N, k].</param>
public sealed record VaeLossTerms(Tensor Objective, Tensor Reconstruction, Tensor Kl, Tensor KlPerDimension);
