using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Featurizer;

/// <summary>
/// The strong form of the save claim: a separate process that references only ML.NET (tests/Vae.MLNet.LoadCheck)
/// loads the saved featurizer, with the original .onnx deleted, and computes the same columns.
/// </summary>
public sealed class SeparateProcessLoadTests
{
    [Fact]
    public void A_process_without_Vae_MLNet_loads_the_saved_featurizer_and_computes_the_same_values()
    {
        using var temp = new TempModels();
        string copy = temp.Write("copy.onnx", File.ReadAllBytes(TestData.ContractVae));
        string zip = temp.Path("featurizer.zip"), pixelsPath = temp.Path("pixels.bin"), resultPath = temp.Path("result.json");
        var ml = new MLContext(seed: 1);
        const int start = 8800, count = 25;
        var data = Rows.Pixels(ml, start, count);
        var options = new VaeFeaturizerOptions { InputColumnName = "Pixels", ReconstructionErrorColumnName = "Error", KlColumnName = "Kl" };
        List<FeatureRow> expected;
        using (var model = VaeModel.Load(copy))
        using (var transformer = ml.Transforms.VaeFeaturize(options, model).Fit(data))
        {
            expected = ml.Data.CreateEnumerable<FeatureRow>(transformer.Transform(data), false, ignoreMissingColumns: true).ToList();
            ml.Model.Save(transformer, data.Schema, zip);
        }
        File.Delete(copy);

        using (var writer = new BinaryWriter(File.Create(pixelsPath)))
        {
            writer.Write(count);
            writer.Write(784);
            foreach (var image in TestData.Images(start, count))
                foreach (float v in image)
                    writer.Write(v);
        }

        RunLoadCheck(zip, pixelsPath, resultPath);
        using var result = JsonDocument.Parse(File.ReadAllText(resultPath));
        var assemblies = result.RootElement.GetProperty("assemblies").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Contains("Microsoft.ML.OnnxTransformer", assemblies);
        Assert.DoesNotContain("Vae.MLNet", assemblies);
        var columns = result.RootElement.GetProperty("columns");
        float[][] Column(string name) => columns.GetProperty(name).EnumerateArray()
            .Select(row => row.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        var mu = Column("Mu");
        var sigma = Column("Sigma");
        var error = Column("Error");
        var kl = Column("Kl");
        Assert.Equal(count, mu.Length);
        for (int r = 0; r < count; r++)
        {
            DirectOrt.AssertClose(expected[r].Mu, mu[r], 1e-5, $"mu row {r}");
            DirectOrt.AssertClose(expected[r].Sigma, sigma[r], 1e-5, $"sigma row {r}");
            DirectOrt.AssertClose([expected[r].Error], error[r], 1e-5, $"error row {r}");
            DirectOrt.AssertClose([expected[r].Kl], kl[r], 1e-5, $"kl row {r}");
        }
    }

    private static void RunLoadCheck(params string[] args)
    {
        // The checker is built next to this test assembly's configuration: tests/Vae.MLNet.LoadCheck/bin/<Config>/<tfm>/.
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string dll = Path.Combine(TestData.RepoRoot, "tests", "Vae.MLNet.LoadCheck", "bin", testBin.Parent!.Name, testBin.Name, "Vae.MLNet.LoadCheck.dll");
        Assert.True(File.Exists(dll), $"LoadCheck not built at {dll}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(dll);
        foreach (string a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "LoadCheck did not finish in 120 s");
        Assert.True(process.ExitCode == 0, $"LoadCheck failed ({process.ExitCode}): {stderr}{stdout}");
    }
}
