using Vae.Training.Models;
using Vae.Training;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Training;

[Collection(TrainingCollection.Name)]
public class ParameterInitializerTests
{
    [Fact]
    public void SeededInitialisationIgnoresTheGlobalGeneratorAndUsesPyTorchBounds()
    {
        using var a = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(seed: 5));
        manual_seed(12345); // disturb the process-wide generator between the two constructions
        using (var noise = rand(1000)) { }
        using var b = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(seed: 5));
        using var c = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(seed: 6));

        TinyTraining.AssertBitIdentical(TinyTraining.Weights(a), TinyTraining.Weights(b));
        Assert.False(TinyTraining.Weights(a)[0].SequenceEqual(TinyTraining.Weights(c)[0]));

        // Encoder fc0: Linear(784 → 32), bound 1/√784 for weight and bias; the values fill the range.
        var named = a.Network.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().flatten().data<float>().ToArray());
        float bound = 1f / MathF.Sqrt(784);
        var encoderFc0 = named.Where(p => p.Key.Contains("ncoder", StringComparison.OrdinalIgnoreCase) && p.Key.Contains(".fc0.", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, encoderFc0.Count);
        Assert.All(encoderFc0.SelectMany(p => p.Value), v => Assert.InRange(v, -bound, bound));
        var fc0 = encoderFc0.Single(p => p.Key.EndsWith(".weight", StringComparison.Ordinal)).Value;
        Assert.InRange(fc0.Max(), 0.9f * bound, bound);
        Assert.InRange(fc0.Min(), -bound, -0.9f * bound);
    }

    [Fact]
    public void ConvolutionWeightsUseChannelsTimesKernelAreaAsFanIn()
    {
        using var trainer = new VaeTrainer(VaeArchitecture.Conv(latentDim: 2, convChannels: new[] { 4, 8 }), TinyTraining.Options());
        var names = trainer.Network.named_parameters().Select(p => p.name).ToList();
        Assert.Contains(names, n => n.EndsWith(".conv1.weight", StringComparison.Ordinal));
        foreach (var (name, p) in trainer.Network.named_parameters())
        {
            if (!name.EndsWith(".conv1.weight", StringComparison.Ordinal) || name.Contains("deconv", StringComparison.Ordinal)) continue;
            // Conv2d(4 → 8, 4×4): weight [8, 4, 4, 4], fan_in = 4·4·4 = 64, bound 1/8.
            var values = p.detach().flatten().data<float>().ToArray();
            Assert.All(values, v => Assert.InRange(v, -0.125f, 0.125f));
            Assert.True(values.Max() > 0.11f);
        }
    }
}
