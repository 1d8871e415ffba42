using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Models;

namespace Vae.Training.Export;

/// <summary>
/// Exports a trained network as vae.onnx + decoder.onnx, with reconstruction-error quantiles measured on its
/// training images. Reached through <see cref="TrainResult.Export"/> and <see cref="VaeTrainer.Export"/>, which
/// hold the likelihood, σ and β the export needs.
/// </summary>
internal static class ModelExport
{
    /// <summary>Writes both models into <paramref name="directory"/> and returns their paths.</summary>
    public static VaeOnnxFiles Export(VaeNetwork network, VaeLikelihood likelihood, double? gaussianSigma, double beta, ImageSet trainImages, string directory)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(trainImages);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        double? sigma = likelihood == VaeLikelihood.Gaussian ? gaussianSigma : null;
        var info = new VaeExportInfo
        {
            Likelihood = likelihood,
            GaussianSigma = sigma,
            Beta = beta,
            Dataset = trainImages.Source,
            Preprocessing = trainImages.Preprocessing,
            ErrorQuantiles = VaeErrorQuantiles.Compute(network, trainImages, likelihood, sigma),
        };
        return VaeOnnxExporter.Export(network, info, directory);
    }
}
