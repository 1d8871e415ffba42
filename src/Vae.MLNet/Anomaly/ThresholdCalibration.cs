namespace Vae.MLNet;

/// <summary>
/// Places a threshold t on the scores of the fitting data; a row is flagged when its score is &gt; t
/// (ML.NET's PredictedLabel rule). Thresholds that must flag a whole number of rows sit strictly between
/// two order statistics, so that a score recomputed with last-bit differences does not change sides.
/// </summary>
internal static class ThresholdCalibration
{
    /// <summary>The threshold that flags round(<paramref name="fraction"/>·n) rows.</summary>
    public static float ByContamination(ReadOnlySpan<float> scores, double fraction) =>
        FlagRows(scores, (int)Math.Round(fraction * scores.Length, MidpointRounding.AwayFromZero));

    /// <summary>The threshold that flags ⌊<paramref name="rate"/>·n⌋ rows (at most that false-positive rate on clean data).</summary>
    public static float ByFalsePositiveRate(ReadOnlySpan<float> scores, double rate) =>
        FlagRows(scores, (int)Math.Floor(rate * scores.Length));

    /// <summary>The <paramref name="q"/>-quantile of the scores, linearly interpolated (R type 7 / NumPy default).</summary>
    public static float ByQuantile(ReadOnlySpan<float> scores, double q) => (float)Quantile(Sorted(scores), q);

    /// <summary>Type-7 quantile of ascending <paramref name="sorted"/>.</summary>
    public static double Quantile(float[] sorted, double q)
    {
        if (sorted.Length == 0)
            throw new InvalidOperationException("Cannot take a quantile of no scores.");
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * ((double)sorted[hi] - sorted[lo]);
    }

    /// <summary>A threshold with exactly <paramref name="flagged"/> scores above it (fewer when scores tie at the cut).</summary>
    public static float FlagRows(ReadOnlySpan<float> scores, int flagged)
    {
        if (scores.Length == 0)
            throw new InvalidOperationException("Cannot calibrate a threshold on no scores.");
        var sorted = Sorted(scores);
        int n = sorted.Length;
        flagged = Math.Clamp(flagged, 0, n);
        if (flagged == 0)
            return sorted[n - 1];
        float above = sorted[n - flagged];
        if (flagged == n)
            return MathF.BitDecrement(above);
        float below = sorted[n - flagged - 1];
        var middle = (float)(((double)below + above) / 2);
        // Adjacent floats: the midpoint rounds onto one of them; 'below' is the only value that keeps 'above' flagged.
        return middle < above && middle >= below ? middle : below;
    }

    private static float[] Sorted(ReadOnlySpan<float> scores)
    {
        var sorted = scores.ToArray();
        foreach (float s in sorted)
            if (float.IsNaN(s))
                throw new InvalidOperationException("A score of the fitting data is NaN; thresholds need comparable scores.");
        Array.Sort(sorted);
        return sorted;
    }
}
