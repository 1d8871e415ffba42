using Vae.MLNet;

namespace Vae.MLNet.Tests.Anomaly;

public sealed class CalibrationMathTests
{
    [Fact]
    public void FlagRows_places_the_threshold_between_order_statistics()
    {
        float[] scores = [5, 1, 4, 2, 3];
        for (int m = 0; m <= 5; m++)
        {
            float t = ThresholdCalibration.FlagRows(scores, m);
            Assert.Equal(m, scores.Count(s => s > t));
        }
        Assert.Equal(3.5f, ThresholdCalibration.FlagRows(scores, 2));
    }

    [Fact]
    public void FlagRows_with_adjacent_floats_still_flags_exactly()
    {
        float a = 1f, b = MathF.BitIncrement(1f);
        float t = ThresholdCalibration.FlagRows([a, b], 1);
        Assert.True(b > t && a <= t);
    }

    [Fact]
    public void Ties_at_the_cut_flag_fewer_rows_never_more()
    {
        float[] scores = [1, 2, 2, 2, 3];
        float t = ThresholdCalibration.FlagRows(scores, 2);
        Assert.Equal(1, scores.Count(s => s > t));
    }

    [Fact]
    public void Rounding_of_contamination_and_false_positive_rate()
    {
        var scores = Enumerable.Range(0, 10).Select(i => (float)i).ToArray();
        Assert.Equal(3, scores.Count(s => s > ThresholdCalibration.ByContamination(scores, 0.25)));   // 2.5 rounds away from zero
        Assert.Equal(2, scores.Count(s => s > ThresholdCalibration.ByFalsePositiveRate(scores, 0.29))); // ⌊2.9⌋
        Assert.Equal(8.1f, ThresholdCalibration.ByQuantile(scores, 0.9), 5);
    }
}
