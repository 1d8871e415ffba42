using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Anomaly;

/// <summary>Score/PredictedLabel read back from a transformed view.</summary>
public sealed class ScoredRow
{
    public float Score { get; set; }
    public bool PredictedLabel { get; set; }
    public uint Label { get; set; }
}

/// <summary>A row with a Single label for AnomalyDetection.Evaluate (1 = anomaly).</summary>
public sealed class LabelledPixelRow
{
    [VectorType(784)]
    public float[] Pixels { get; set; } = [];

    public float Label { get; set; }
}

internal static class AnomalyTestSupport
{
    public static VaeAnomalyDetectorOptions Options(VaeAnomalyScoreKind kind, double? contamination = null) => new()
    {
        InputColumnName = "Pixels",
        ScoreKind = kind,
        Contamination = contamination,
    };

    public static List<ScoredRow> Score(MLContext ml, ITransformer transformer, IDataView data) =>
        ml.Data.CreateEnumerable<ScoredRow>(transformer.Transform(data), reuseRowObject: false).ToList();

    /// <summary>Rows of <paramref name="normalClass"/> labelled 0 and of other classes labelled 1, from t10k rows [start, start+count).</summary>
    public static IDataView OneVersusRest(MLContext ml, int start, int count, uint normalClass) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(start, count).Select(i => new LabelledPixelRow
        {
            Pixels = TestData.Images(i, 1)[0],
            Label = TestData.Labels(i, 1)[0] == normalClass ? 0f : 1f,
        }).ToList());

    /// <summary>Fitting rows of one class only, from t10k rows [start, start+scan).</summary>
    public static IDataView ClassRows(MLContext ml, int start, int scan, uint cls) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(start, scan).Where(i => TestData.Labels(i, 1)[0] == cls).Select(i => new PixelRow
        {
            Pixels = TestData.Images(i, 1)[0],
            Label = cls,
        }).ToList());
}
