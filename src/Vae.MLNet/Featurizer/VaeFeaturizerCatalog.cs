using Vae.MLNet;
using Microsoft.ML;

namespace Microsoft.ML;

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
    /// Adds μ and σ (<c>Vector&lt;Single, k&gt;</c> columns named <paramref name="muColumnName"/> and
    /// <paramref name="sigmaColumnName"/>) computed by the VAE ONNX model at <paramref name="modelPath"/> from
    /// <paramref name="inputColumnName"/> (an image or a C·H·W Single vector). The transformer owns the loaded model.
    /// </summary>
    public static VaeFeaturizerEstimator VaeFeaturize(this TransformsCatalog catalog, string modelPath, string inputColumnName = "Image",
        string muColumnName = "Mu", string sigmaColumnName = "Sigma")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var options = new VaeFeaturizerOptions
        {
            InputColumnName = inputColumnName,
            MuColumnName = muColumnName,
            SigmaColumnName = sigmaColumnName,
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
