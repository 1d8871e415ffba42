using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;

namespace Vae.Cli.Demo;

/// <summary>The featurized data of step 2, cached so the trainers read μ without running ONNX again.</summary>
internal sealed record FeaturizedData(IDataView Train, IDataView Test, float[][] TestMu, double Seconds);

/// <summary>Step 2: an ML.NET pipeline with the VAE featurizer turns each image's pixels into μ and σ.</summary>
internal static class FeaturizeStep
{
    public const string Mu = "Mu";
    public const string Sigma = "Sigma";

    public static FeaturizedData Run(MLContext ml, string vaeModelPath, IDataView train, IDataView test)
    {
        var clock = Stopwatch.StartNew();
        var featurizer = ml.Transforms.VaeFeaturize(vaeModelPath, inputColumnName: DemoDataView.Pixels, muColumnName: Mu, sigmaColumnName: Sigma).Fit(train);
        // Cache materialises μ and σ once; every trainer below then reads them from memory.
        var featurizedTrain = ml.Data.Cache(featurizer.Transform(train));
        var featurizedTest = ml.Data.Cache(featurizer.Transform(test));
        var testMu = featurizedTest.GetColumn<float[]>(Mu).ToArray();
        _ = featurizedTrain.GetColumn<float[]>(Mu).Count(); // fill the training cache inside the timed section
        return new FeaturizedData(featurizedTrain, featurizedTest, testMu, clock.Elapsed.TotalSeconds);
    }
}
