using Microsoft.ML;

namespace Vae.MLNet.Anomaly;

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
    /// The MLContext behind the catalog. ML.NET exposes a catalog's environment only internally (the
    /// explicit IInternalCatalog.Environment); a fresh context is equivalent for building built-in
    /// transformers, so it is used when the catalog's cannot be reached.
    /// </summary>
    private static MLContext CatalogContext(AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog)
    {
        for (var type = catalog.GetType(); type != null; type = type.BaseType)
        {
            foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic
                | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.DeclaredOnly))
            {
                if (property.Name.EndsWith("Environment", StringComparison.Ordinal) && property.GetValue(catalog) is MLContext ml)
                    return ml;
            }
        }
        return new MLContext();
    }
}
