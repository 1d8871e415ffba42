using Microsoft.ML;

namespace Vae.MLNet;

/// <summary>Catalog entry points: <c>mlContext.Transforms.VaeFeaturize(...)</c>.</summary>
public static class VaeFeaturizerCatalog
{
    /// <summary>Adds VAE feature columns (μ, σ, …) computed by <paramref name="model"/>; the caller keeps owning the model.</summary>
    public static VaeFeaturizerEstimator VaeFeaturize(this TransformsCatalog catalog, VaeFeaturizerOptions options, VaeModel model)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new VaeFeaturizerEstimator(CatalogContext(catalog), model, ownsModel: false, options);
    }

    /// <summary>
    /// Adds μ (named <paramref name="outputColumnName"/>) and σ (named <paramref name="outputColumnName"/> + "Sigma")
    /// computed by the VAE ONNX model at <paramref name="modelPath"/> from <paramref name="inputColumnName"/>
    /// (an image or a C·H·W Single vector). The transformer owns the loaded model.
    /// </summary>
    public static VaeFeaturizerEstimator VaeFeaturize(this TransformsCatalog catalog, string modelPath, string outputColumnName = "Mu",
        string inputColumnName = "Image")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        var options = new VaeFeaturizerOptions
        {
            InputColumnName = inputColumnName,
            MuColumnName = outputColumnName,
            SigmaColumnName = outputColumnName + "Sigma",
        };
        return new VaeFeaturizerEstimator(CatalogContext(catalog), VaeModel.Load(modelPath), ownsModel: true, options);
    }

    /// <summary>
    /// The context the featurizer builds its helper transformers with (ML.NET's image transforms and, when
    /// saving, ApplyOnnxModel). ML.NET keeps a catalog's environment internal; these helpers are stateless
    /// and unseeded, so a private context is equivalent.
    /// </summary>
    private static MLContext CatalogContext(TransformsCatalog catalog) => new();
}
