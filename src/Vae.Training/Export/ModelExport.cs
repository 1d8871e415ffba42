using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Models;

namespace Vae.Training.Export;

/// <summary>
/// Exports a trained network as vae.onnx + decoder.onnx, with reconstruction-error quantiles measured on its
/// training images. Reached through <see cref="TrainResult.Export"/> and <see cref="VaeTrainer.Export"/>, which
/// hold the likelihood, its scales and β the export needs.
/// </summary>
internal static class ModelExport
{
    /// <summary>
    /// Writes both models into <paramref name="directory"/> and returns their paths. The scale is
    /// <paramref name="gaussianSigma"/> (a Gaussian with one σ) or <paramref name="scales"/> (one per channel).
    /// </summary>
    public static VaeOnnxFiles Export(VaeNetwork network, VaeLikelihood likelihood, double? gaussianSigma, IReadOnlyList<double>? scales, double beta, ImageSet trainImages, string directory)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(trainImages);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        double? sigma = likelihood == VaeLikelihood.Gaussian && scales is null ? gaussianSigma : null;
        var perChannel = likelihood == VaeLikelihood.Bernoulli || sigma != null ? null : scales;
        var info = new VaeExportInfo
        {
            Likelihood = likelihood,
            GaussianSigma = sigma,
            LikelihoodScales = perChannel,
            Beta = beta,
            Dataset = trainImages.Source,
            Preprocessing = trainImages.Preprocessing,
            ErrorQuantiles = VaeErrorQuantiles.Compute(network, trainImages, likelihood, sigma, scales: perChannel),
        };
        return VaeOnnxExporter.Export(network, info, directory);
    }
}
