using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Models;
using Vae.Training.Export;
using Vae.Training;

namespace Vae.Benchmarks.Shared;

/// <summary>
/// ONNX models for the featurization measurements: the MLP (784-400-20) and the conv VAE, seeded random
/// initialisation (the trainer's initialiser, seed 1; throughput does not depend on the weights), exported
/// with <see cref="VaeOnnxExporter"/> into a temporary folder.
/// </summary>
public static class BenchModels
{
    /// <summary>The architectures measured, by name.</summary>
    public static IReadOnlyDictionary<string, VaeArchitecture> Architectures { get; } = new Dictionary<string, VaeArchitecture>
    {
        ["mlp"] = VaeArchitecture.Mlp(),
        ["conv"] = VaeArchitecture.Conv(),
    };

    /// <summary>Exports a randomly initialised <paramref name="name"/> VAE into <paramref name="directory"/>; returns the vae.onnx path.</summary>
    public static string ExportRandom(string name, string directory) =>
        ExportRandom(Architectures[name], BenchData.EmbeddedTest.Take(1000), directory);

    /// <summary>Exports a randomly initialised (seed 1) <paramref name="architecture"/> with error quantiles from <paramref name="images"/>; returns the vae.onnx path.</summary>
    public static string ExportRandom(VaeArchitecture architecture, ImageSet images, string directory)
    {
        using var trainer = new VaeTrainer(architecture, new TrainOptions { Seed = 1 });
        return Export(trainer.Network, images, directory);
    }

    /// <summary>Exports <paramref name="network"/> (Bernoulli, β = 1) with error quantiles from <paramref name="train"/>; returns the vae.onnx path.</summary>
    public static string Export(VaeNetwork network, ImageSet train, string directory)
    {
        var info = new VaeExportInfo
        {
            Likelihood = VaeLikelihood.Bernoulli,
            Dataset = train.Source,
            Preprocessing = train.Preprocessing,
            ErrorQuantiles = VaeErrorQuantiles.Compute(network, train, VaeLikelihood.Bernoulli),
        };
        return VaeOnnxExporter.Export(network, info, directory).VaeModelPath;
    }

    /// <summary>A fresh temporary folder.</summary>
    public static string TempDirectory() => Directory.CreateTempSubdirectory("vae-bench-").FullName;
}
