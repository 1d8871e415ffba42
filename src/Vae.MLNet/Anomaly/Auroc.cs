namespace Vae.MLNet;

/// <summary>
/// Area under the ROC curve of a score that should be larger for anomalies: the probability that a random
/// anomaly scores above a random normal row, ties counting ½ (the Mann–Whitney U statistic / (n₊·n₋)).
/// </summary>
public static class Auroc
{
    /// <summary>AUROC of <paramref name="scores"/> against <paramref name="isAnomaly"/>, in O(n log n).</summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is NaN, or one of the two classes is missing.</exception>
    public static double Compute(ReadOnlySpan<float> scores, ReadOnlySpan<bool> isAnomaly)
    {
        if (scores.Length != isAnomaly.Length)
            throw new ArgumentException($"AUROC needs one label per score; got {scores.Length} scores and {isAnomaly.Length} labels.", nameof(isAnomaly));
        var order = new int[scores.Length];
        var keys = new float[scores.Length];
        long positives = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i]))
                throw new ArgumentException($"Score {i} is NaN; AUROC needs comparable scores.", nameof(scores));
            order[i] = i;
            keys[i] = scores[i];
            if (isAnomaly[i])
                positives++;
        }
        long negatives = scores.Length - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"AUROC needs both anomalies and normal rows; got {positives} anomalies and {negatives} normal rows.", nameof(isAnomaly));
        Array.Sort(keys, order);

        // Sum of the (tie-averaged, 1-based) ranks of the anomalies.
        double rankSum = 0;
        for (int start = 0; start < keys.Length;)
        {
            int end = start;
            while (end + 1 < keys.Length && keys[end + 1] == keys[start])
                end++;
            double averageRank = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++)
                if (isAnomaly[order[i]])
                    rankSum += averageRank;
            start = end + 1;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}
