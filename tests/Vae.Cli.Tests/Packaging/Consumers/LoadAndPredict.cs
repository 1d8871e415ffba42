// The second consumer app (a `dotnet new console` referencing only Microsoft.ML, Microsoft.ML.OnnxTransformer and
// Microsoft.ML.OnnxRuntime): loads the pipeline the first app saved and computes μ for the same pixels.
// Usage: app <folder with featurizer.zip and inputs.json>. Prints the μ rows as one JSON line after "mu: ".
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

string folder = args[0];
var ml = new MLContext(seed: 1);
ITransformer model = ml.Model.Load(Path.Combine(folder, "featurizer.zip"), out DataViewSchema inputSchema);
float[][] pixels = JsonSerializer.Deserialize<float[][]>(File.ReadAllText(Path.Combine(folder, "inputs.json")))!;
IDataView data = ml.Data.LoadFromEnumerable(pixels.Select(p => new PixelRow { Pixels = p }));
float[][] mu = model.Transform(data).GetColumn<float[]>("Mu").ToArray();
Console.WriteLine("mu: " + JsonSerializer.Serialize(mu));

public sealed class PixelRow
{
    [VectorType(784)] public float[] Pixels { get; set; } = [];
}
