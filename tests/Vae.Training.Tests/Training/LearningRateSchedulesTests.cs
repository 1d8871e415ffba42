using Vae.Training;

namespace Vae.Training.Tests.Training;

public class LearningRateSchedulesTests
{
    [Fact]
    public void ConstantIsOneEverywhere()
    {
        foreach (var (epoch, batch) in new[] { (0, 0), (3, 5), (9, 9) })
            Assert.Equal(1.0, LearningRateSchedules.Factor(LearningRateSchedule.Constant, epoch, batch, 10, 10));
    }

    [Fact]
    public void CosineStartsAtOneHalvesAtTheMiddleAndEndsSmallButPositive()
    {
        // 2 epochs of 4 steps: T = 8 steps, factor ½(1 + cos(π t / 8)) with t = steps done before the step.
        double F(int epoch, int batch) => LearningRateSchedules.Factor(LearningRateSchedule.Cosine, epoch, batch, 4, 2);
        Assert.Equal(1.0, F(0, 0), 15);
        Assert.Equal(0.5, F(1, 0), 15);                       // t = 4 of 8
        Assert.Equal((1 + Math.Sqrt(0.5)) / 2, F(0, 2), 15);  // t = 2: cos(π/4)
        double last = F(1, 3);                                // t = 7
        Assert.Equal((1 - Math.Cos(Math.PI / 8)) / 2, last, 15);
        Assert.InRange(last, 1e-3, 0.05);
        var all = Enumerable.Range(0, 8).Select(t => F(t / 4, t % 4)).ToArray();
        Assert.True(all.Zip(all.Skip(1)).All(p => p.Second < p.First), "cosine factors must strictly decrease");
    }

    [Fact]
    public void CosineRefusesAnEmptyRun() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedules.Factor(LearningRateSchedule.Cosine, 0, 0, 0, 10));
}
