using Vae.Training;

namespace Vae.Training.Tests.Training;

public class KlWarmupTests
{
    [Theory]
    [InlineData(0, KlWarmupUnit.Epochs, 0, 0, 4, 1.0)]        // off
    [InlineData(2, KlWarmupUnit.Epochs, 0, 0, 4, 0.125)]      // (0 + 1/4) / 2
    [InlineData(2, KlWarmupUnit.Epochs, 0, 3, 4, 0.5)]        // (0 + 4/4) / 2
    [InlineData(2, KlWarmupUnit.Epochs, 1, 3, 4, 1.0)]
    [InlineData(2, KlWarmupUnit.Epochs, 7, 1, 4, 1.0)]        // stays at 1
    [InlineData(10, KlWarmupUnit.Steps, 0, 0, 4, 0.1)]
    [InlineData(10, KlWarmupUnit.Steps, 1, 1, 4, 0.6)]        // step 4 + 1 + 1 = 6
    [InlineData(10, KlWarmupUnit.Steps, 2, 1, 4, 1.0)]        // step 10
    public void FactorGrowsLinearlyToOne(int length, KlWarmupUnit unit, int epoch, int batch, int batches, double expected)
        => Assert.Equal(expected, KlWarmup.Factor(length, unit, epoch, batch, batches), 12);
}
