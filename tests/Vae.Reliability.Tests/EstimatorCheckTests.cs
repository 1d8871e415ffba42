using Microsoft.ML;
using Vae.MLNet;
using Vae.Reliability.Tests.Support;

namespace Vae.Reliability.Tests;

/// <summary>The generic estimator checks run against the featurizer and the anomaly detector.</summary>
public sealed class EstimatorCheckTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly MLContext _ml = new(seed: 1);
    private readonly VaeModel _model = VaeModel.Load(Data.ContractVae);

    public EstimatorCheckTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _model.Dispose();

    private void Check(EstimatorUnderTest subject)
    {
        foreach (var line in EstimatorChecks.RunAll(_ml, subject))
            _output.WriteLine($"{subject.Name}: {line}");
    }

    private static VaeFeaturizerOptions FeaturizerOptions(int seed) => new()
    {
        InputColumnName = "Image",
        MuColumnName = "Mu",
        SigmaColumnName = "Sigma",
        LogVarColumnName = "LogVar",
        SampledLatentColumnName = "Z",
        ReconstructionErrorColumnName = "Error",
        KlColumnName = "Kl",
        ReconstructionColumnName = "Reconstruction",
        BatchSize = 64,
        Seed = seed,
    };

    [Fact]
    public void Featurizer_passes_the_estimator_checks()
    {
        // 300 "other" rows = several batches of 64 with a ragged last batch.
        Check(new EstimatorUnderTest("featurizer",
            () => _ml.Transforms.VaeFeaturize(FeaturizerOptions(42), _model),
            Data.Pixels(_ml, 0, 150), Data.Pixels(_ml, 150, 300),
            ["Mu", "Sigma", "LogVar", "Z", "Error", "Kl", "Reconstruction"], BatchSize: 64,
            CreateWithSeed: seed => _ml.Transforms.VaeFeaturize(FeaturizerOptions(seed), _model),
            SampledColumn: "Z",
            // Documented by the mlnet branch (SaveLoadTests): ApplyOnnxModel gives [N]-shaped outputs as 1-slot vectors.
            KnownSavedTypeChanges: new Dictionary<string, string>
            {
                ["Error"] = "Single -> Vector<Single, 1>",
                ["Kl"] = "Single -> Vector<Single, 1>",
            }));
    }

    [Theory]
    [InlineData(VaeAnomalyScoreKind.ReconstructionError)]
    [InlineData(VaeAnomalyScoreKind.NegativeElbo)]
    [InlineData(VaeAnomalyScoreKind.Mahalanobis)]
    [InlineData(VaeAnomalyScoreKind.Combined)]
    [InlineData(VaeAnomalyScoreKind.NearestNeighbors)]
    public void Anomaly_detector_passes_the_estimator_checks(VaeAnomalyScoreKind kind)
    {
        var options = new VaeAnomalyDetectorOptions { InputColumnName = "Image", ScoreKind = kind, Contamination = 0.05, BatchSize = 64 };
        Check(new EstimatorUnderTest($"anomaly/{kind}",
            () => _ml.AnomalyDetection.Trainers.Vae(options, _model),
            Data.Pixels(_ml, 0, 200), Data.Pixels(_ml, 200, 300),
            ["Score", "PredictedLabel"], BatchSize: 64,
            // The ML.NET transforms after the featurizer read it through a parallel cursor set, whose workers start at once.
            UnmovedCursorReadsNothing: false));
    }
}
