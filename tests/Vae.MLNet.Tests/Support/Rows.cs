using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Tests.Support;

/// <summary>A known-size pixel vector row with a label.</summary>
public sealed class PixelRow
{
    [VectorType(784)]
    public float[] Pixels { get; set; } = [];

    public uint Label { get; set; }

    public string Tag { get; set; } = "";
}

/// <summary>A variable-size pixel vector row.</summary>
public sealed class VariablePixelRow
{
    public float[] Pixels { get; set; } = [];
}

/// <summary>Feature columns read back from the featurizer.</summary>
public sealed class FeatureRow
{
    public float[] Mu { get; set; } = [];
    public float[] Sigma { get; set; } = [];
    public float[] LogVar { get; set; } = [];
    public float Error { get; set; }
    public float Divergence { get; set; }
    public float Kl { get; set; }
    public float[] Reconstruction { get; set; } = [];
    public string Tag { get; set; } = "";
}

public static class Rows
{
    public static IDataView Pixels(MLContext ml, int start, int count) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => new PixelRow
        {
            Pixels = TestData.Images(start + i, 1)[0],
            Label = TestData.Labels(start + i, 1)[0],
            Tag = $"row{start + i}",
        }).ToList());

    /// <summary>All options that produce every contract column under fixed names.</summary>
    public static VaeFeaturizerOptions AllColumns(string input = "Pixels") => new()
    {
        InputColumnName = input,
        MuColumnName = "Mu",
        SigmaColumnName = "Sigma",
        LogVarColumnName = "LogVar",
        ReconstructionErrorColumnName = "Error",
        ReconstructionDivergenceColumnName = "Divergence",
        KlColumnName = "Kl",
        ReconstructionColumnName = "Reconstruction",
    };

    public static List<T> Read<T>(MLContext ml, IDataView view) where T : class, new() =>
        ml.Data.CreateEnumerable<T>(view, reuseRowObject: false).ToList();
}
