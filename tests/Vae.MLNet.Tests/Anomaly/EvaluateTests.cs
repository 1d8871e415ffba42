using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Anomaly;

public sealed class EvaluateTests
{
    [Theory]
    [InlineData(VaeAnomalyScoreKind.ReconstructionError)]
    [InlineData(VaeAnomalyScoreKind.Combined)]
    [InlineData(VaeAnomalyScoreKind.NearestNeighbors)]
    public void Evaluate_auc_equals_the_brute_force_pairwise_count(VaeAnomalyScoreKind kind)
    {
        var ml = new MLContext(seed: 1);
        // Normal class 1 (trouser) against the rest, on unseen t10k rows.
        var fit = AnomalyTestSupport.ClassRows(ml, 8000, 1000, cls: 1);
        var test = AnomalyTestSupport.OneVersusRest(ml, 9000, 150, normalClass: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var detector = ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(kind, contamination: 0.05), model).Fit(fit);
        var scored = detector.Transform(test);

        var metrics = ml.AnomalyDetection.Evaluate(scored, labelColumnName: "Label", scoreColumnName: "Score",
            predictedLabelColumnName: "PredictedLabel", falsePositiveCount: 5);

        var scores = scored.GetColumn<float>("Score").ToArray();
        var labels = scored.GetColumn<float>("Label").Select(l => l > 0).ToArray();
        double pairs = 0, wins = 0;
        for (int a = 0; a < scores.Length; a++)
            for (int n = 0; n < scores.Length; n++)
                if (labels[a] && !labels[n])
                {
                    pairs++;
                    wins += scores[a] > scores[n] ? 1 : scores[a] == scores[n] ? 0.5 : 0;
                }
        double bruteForce = wins / pairs;
        Assert.Equal(bruteForce, metrics.AreaUnderRocCurve, 6);
        Assert.InRange(bruteForce, 0.6, 1.0); // the VAE separates trousers from the rest better than chance

        // Detection rate at 5 false positives: walking down the scores, the anomalies met before the 6th normal row.
        float sixthNormal = scores.Where((_, i) => !labels[i]).OrderDescending().ElementAt(5);
        double detected = scores.Where((s, i) => labels[i] && s > sixthNormal).Count() / (double)labels.Count(l => l);
        Assert.Equal(detected, metrics.DetectionRateAtFalsePositiveCount, 6);
    }
}
