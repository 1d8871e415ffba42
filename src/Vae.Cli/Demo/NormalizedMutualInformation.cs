namespace Vae.Cli.Demo;

/// <summary>
/// Normalized mutual information between two labelings, with the arithmetic-mean normalisation that
/// scikit-learn uses by default: NMI = I(U; V) / ((H(U) + H(V)) / 2), natural logarithms. Reported as
/// "NMI (arithmetic mean)", beside ML.NET's <c>ClusteringMetrics.NormalizedMutualInformation</c>, which divides
/// by the class entropy H(U) alone (ClusteringEvaluator's <c>Counters.Nmi</c>).
/// </summary>
internal static class NormalizedMutualInformation
{
    /// <summary>
    /// NMI of <paramref name="truth"/> and <paramref name="predicted"/> (any integer labels), in [0, 1].
    /// Like scikit-learn, two labelings that each put everything in one group score 1.
    /// </summary>
    public static double Compute(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        if (truth.Count != predicted.Count)
            throw new ArgumentException($"NMI needs one predicted label per true label: {truth.Count} true vs {predicted.Count} predicted.");
        if (truth.Count == 0)
            throw new ArgumentException("NMI of empty labelings is undefined (got 0 labels).");

        var joint = new Dictionary<(int, int), int>();
        var rows = new Dictionary<int, int>();
        var columns = new Dictionary<int, int>();
        for (int i = 0; i < truth.Count; i++)
        {
            joint[(truth[i], predicted[i])] = joint.GetValueOrDefault((truth[i], predicted[i])) + 1;
            rows[truth[i]] = rows.GetValueOrDefault(truth[i]) + 1;
            columns[predicted[i]] = columns.GetValueOrDefault(predicted[i]) + 1;
        }
        if (rows.Count == 1 && columns.Count == 1) return 1.0; // both trivial: identical partitions
        double n = truth.Count;
        double mutual = 0;
        foreach (var ((u, v), count) in joint)
            mutual += count / n * Math.Log(count * n / ((double)rows[u] * columns[v]));
        double mean = (Entropy(rows.Values, n) + Entropy(columns.Values, n)) / 2;
        if (mean <= 0) return 0;
        return Math.Clamp(mutual / mean, 0, 1); // clamp only float noise: I ≤ min(H) ≤ mean
    }

    private static double Entropy(IEnumerable<int> counts, double n) => -counts.Sum(c => c / n * Math.Log(c / n));
}
