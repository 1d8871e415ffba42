using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Vae.MLNet.Tests.Support;

/// <summary>
/// The independent reference: runs an ONNX file with ONNX Runtime's NamedOnnxValue API on the given
/// images, one row at a time, and returns every output per row.
/// </summary>
public static class DirectOrt
{
    public static Dictionary<string, float[][]> Run(string onnxPath, string inputName, float[][] images, int[] inputShape)
    {
        using var session = new InferenceSession(onnxPath);
        var result = session.OutputMetadata.Keys.ToDictionary(k => k, _ => new float[images.Length][]);
        for (int r = 0; r < images.Length; r++)
        {
            var tensor = new DenseTensor<float>(images[r], [1, .. inputShape]);
            using var outputs = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)]);
            foreach (var output in outputs)
                result[output.Name][r] = output.AsEnumerable<float>().ToArray();
        }
        return result;
    }

    public static void AssertClose(float[] expected, float[] actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(1.0, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                $"{what}[{i}]: expected {expected[i]}, got {actual[i]} (tolerance {tolerance} relative)");
        }
    }
}
