namespace Vae.Cli.Demo;

/// <summary>
/// The ROC curve of scores against binary labels (higher score = more likely positive), for plotting: one
/// point per distinct threshold, tied scores moving together. AUROC itself comes from ML.NET's
/// <c>AnomalyDetection.Evaluate</c>; the area under these points (trapezoid rule) equals it.
/// </summary>
internal static class RocCurve
{
    /// <summary>False and true positive rates from (0, 0) to (1, 1).</summary>
    public static (double[] FalsePositiveRate, double[] TruePositiveRate) Compute(IReadOnlyList<float> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        if (scores.Count != positive.Count)
            throw new ArgumentException($"ROC needs one label per score: {scores.Count} scores vs {positive.Count} labels.");
        int positives = positive.Count(p => p), negatives = positive.Count - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"ROC needs both classes: got {positives} positives and {negatives} negatives.");
        if (scores.Any(float.IsNaN))
            throw new ArgumentException("ROC scores contain NaN.", nameof(scores));

        var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        int tp = 0, fp = 0;
        for (int k = 0; k < order.Length; k++)
        {
            if (positive[order[k]]) tp++; else fp++;
            if (k + 1 < order.Length && scores[order[k + 1]] == scores[order[k]]) continue; // same threshold
            fpr.Add((double)fp / negatives);
            tpr.Add((double)tp / positives);
        }
        return (fpr.ToArray(), tpr.ToArray());
    }
}
