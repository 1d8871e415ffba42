// The first consumer app (a `dotnet new console` outside the repository, referencing Vae.Training and Vae.MLNet
// from the packed folder): trains a tiny VAE on the sample embedded in Vae.Training, exports it, featurizes with
// the ML.NET featurizer and saves the pipeline. Usage: app <output folder>. Writes inputs.json (the pixels it
// featurized), featurizer.zip, and prints the μ rows as one JSON line after "mu: ".
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.Training;
using Vae.Training.Data;
using Vae.Training.Models;

string output = args[0];
var images = FashionMnist.LoadEmbeddedTest().Take(512);
var (train, validation) = images.Split(validationFraction: 0.25, seed: 1);

using var trainer = new VaeTrainer(VaeArchitecture.Mlp(latentDim: 4, hidden: 32),
    new TrainOptions { Epochs = 1, BatchSize = 64, Seed = 1, Threads = 1 });
TrainResult result = trainer.Train(train, validation);
var files = result.Export(output, train);
Console.WriteLine($"trained {result.History.Count} epoch(s) on {train.Count} images; exported {files.VaeModelPath}");

var ml = new MLContext(seed: 1);
using var vae = VaeModel.Load(files.VaeModelPath);
var rows = Enumerable.Range(0, 8).Select(i => new PixelRow { Pixels = validation.Image(i).ToArray() }).ToList();
IDataView data = ml.Data.LoadFromEnumerable(rows);
var featurizer = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Pixels" }, vae).Fit(data);
float[][] mu = featurizer.Transform(data).GetColumn<float[]>("Mu").ToArray();
ml.Model.Save(featurizer, data.Schema, Path.Combine(output, "featurizer.zip"));
File.WriteAllText(Path.Combine(output, "inputs.json"), JsonSerializer.Serialize(rows.Select(r => r.Pixels)));
Console.WriteLine("mu: " + JsonSerializer.Serialize(mu));

public sealed class PixelRow
{
    [VectorType(784)] public float[] Pixels { get; set; } = [];
}
