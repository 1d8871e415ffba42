using Vae.MLNet;
using Microsoft.ML;

namespace Microsoft.ML;

/// <summary>Catalog entry points: <c>mlContext.AnomalyDetection.Trainers.Vae(...)</c>.</summary>
public static class VaeAnomalyCatalog
{
    /// <summary>
    /// An anomaly detector that scores images by the VAE <paramref name="model"/> (reconstruction error by
    /// default; see <see cref="VaeAnomalyScoreKind"/>) and calibrates its threshold on the fitting data.
    /// The caller keeps owning the model.
    /// </summary>
    public static VaeAnomalyDetectionEstimator Vae(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog,
        VaeAnomalyDetectorOptions options, VaeModel model)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new VaeAnomalyDetectionEstimator(CatalogContext(catalog), options, model);
    }

    /// <summary>
    /// As <see cref="Vae(AnomalyDetectionCatalog.AnomalyDetectionTrainers, VaeAnomalyDetectorOptions, VaeModel)"/>
    /// with the common settings: the image column, the score kind and, optionally, the fraction of the
    /// fitting data that is anomalous (null: the default threshold).
    /// </summary>
    public static VaeAnomalyDetectionEstimator Vae(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog, VaeModel model,
        string inputColumnName = "Image", VaeAnomalyScoreKind scoreKind = VaeAnomalyScoreKind.ReconstructionError, double? contamination = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var options = new VaeAnomalyDetectorOptions
        {
            InputColumnName = inputColumnName,
            ScoreKind = scoreKind,
            Contamination = contamination,
        };
        return new VaeAnomalyDetectionEstimator(CatalogContext(catalog), options, model);
    }

    /// <summary>
    /// The context the detector builds its helper transformers with (featurizer, concatenation,
    /// ApplyOnnxModel, the one-step LinearSvm identity scorer, column drop). ML.NET keeps a catalog's
    /// environment internal; these helpers are deterministic (the scorer's single example needs no seed),
    /// so a private context is equivalent — the same choice as the featurizer's catalog.
    /// </summary>
    private static MLContext CatalogContext(AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog) => new(seed: 0);
}
