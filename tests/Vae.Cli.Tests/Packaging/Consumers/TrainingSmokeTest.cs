// The consumer test project (a `dotnet new xunit` referencing Vae.Training from the packed folder): `dotnet test`
// runs TorchSharp from the test's own output folder, so it passes only where that copy loads.
using Vae.Training;
using Vae.Training.Data;
using Vae.Training.Models;
using Xunit;

public class TrainingSmokeTest
{
    [Fact]
    public void A_tiny_VAE_trains_one_epoch_on_the_embedded_sample()
    {
        var images = FashionMnist.LoadEmbeddedTest().Take(128);
        using var trainer = new VaeTrainer(VaeArchitecture.Mlp(latentDim: 2, hidden: 16),
            new TrainOptions { Epochs = 1, BatchSize = 32, Seed = 1, Threads = 1 });
        var result = trainer.Train(images);
        Assert.Single(result.History);
        Assert.True(double.IsFinite(result.History[0].TrainTotal), $"loss {result.History[0].TrainTotal}");
    }
}
