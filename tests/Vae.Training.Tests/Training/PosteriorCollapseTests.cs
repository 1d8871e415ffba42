using Vae.Training;

namespace Vae.Training.Tests.Training;

public class PosteriorCollapseTests
{
    private static EpochMetrics Epoch(int epoch, double total, double kl, int? activeUnits) =>
        new() { Epoch = epoch, TrainTotal = total, TrainKl = kl, ValidationTotal = total, ValidationKl = kl, ActiveUnits = activeUnits };

    [Fact]
    public void WarnsWhenKlVanishesWhileTheLossFalls()
    {
        string? warning = PosteriorCollapse.Warning(Epoch(2, 250, 0.02, 3), Epoch(1, 260, 5, 4), latentDim: 20);
        Assert.NotNull(warning);
        Assert.Contains("posterior collapse", warning);
        Assert.Contains("0.02 nats", warning);
        Assert.Contains("260 → 250", warning);
    }

    [Fact]
    public void WarnsWhenNoUnitIsActive()
    {
        string? warning = PosteriorCollapse.Warning(Epoch(3, 250, 4, 0), Epoch(2, 251, 4, 1), latentDim: 8);
        Assert.NotNull(warning);
        Assert.Contains("0 of 8 latent dimensions are active", warning);
    }

    [Theory]
    [InlineData(260, 250, 0.02, 0)]   // collapsed but the loss rises: something else is wrong, not this
    [InlineData(240, 250, 5.0, 3)]    // healthy
    public void StaysQuietOtherwise(double total, double previousTotal, double kl, int active)
    {
        Assert.Null(PosteriorCollapse.Warning(Epoch(2, total, kl, active), Epoch(1, previousTotal, 5, 4), latentDim: 4));
        Assert.Null(PosteriorCollapse.Warning(Epoch(1, total, kl, active), previous: null, latentDim: 4));
    }
}
