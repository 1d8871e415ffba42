using Vae.MLNet;
using Vae.Training.Models;
using Vae.Training.Export;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static Vae.Training.Tests.Onnx.OnnxTestSupport;

namespace Vae.Training.Tests.Onnx;

/// <summary>ONNX Runtime on the exported models against TorchSharp on the same weights and real images.</summary>
public sealed class VaeOnnxExporterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-onnx-export-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<VaeKind, VaeLikelihood, int> Cases()
    {
        var data = new TheoryData<VaeKind, VaeLikelihood, int>();
        foreach (var kind in new[] { VaeKind.Mlp, VaeKind.Conv })
            foreach (var likelihood in new[] { VaeLikelihood.Bernoulli, VaeLikelihood.Gaussian })
                foreach (int batch in new[] { 1, 64 })
                    data.Add(kind, likelihood, batch);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VaeModelMatchesTorchSharpOnRealImages(VaeKind kind, VaeLikelihood likelihood, int batch)
    {
        using var scope = NewDisposeScope();
        using var network = TinyNetwork(kind);
        var info = Info(likelihood);
        var files = VaeOnnxExporter.Export(network, info, _folder);

        var a = network.Architecture;
        float[] pixels = Pixels(batch);
        var outputs = Run(files.VaeModelPath, VaeContract.ImageInput, pixels, [batch, a.Channels, a.Height, a.Width]);

        Tensor mu, logVar, decoded, images;
        using (no_grad())
        {
            images = tensor(pixels, [batch, a.Channels, a.Height, a.Width]);
            (mu, logVar, decoded) = network.forward(images);
        }
        var pixelMean = likelihood == VaeLikelihood.Bernoulli ? decoded.sigmoid() : decoded;

        Assert.Equal(new[] { VaeContract.Mu, VaeContract.LogVar, VaeContract.Sigma, VaeContract.Reconstruction, VaeContract.ReconstructionError, VaeContract.Kl }.Order(),
            outputs.Keys.Order());
        Assert.Equal(new[] { batch, a.LatentDim }, outputs[VaeContract.Mu].Shape);
        Assert.Equal(new[] { batch, a.Channels, a.Height, a.Width }, outputs[VaeContract.Reconstruction].Shape);
        Assert.Equal(new[] { batch }, outputs[VaeContract.ReconstructionError].Shape);
        Assert.Equal(new[] { batch }, outputs[VaeContract.Kl].Shape);

        AssertClose(ToArray(mu), outputs[VaeContract.Mu].Values, "mu");
        AssertClose(ToArray(logVar), outputs[VaeContract.LogVar].Values, "logvar");
        AssertClose(ToArray((0.5 * logVar).exp()), outputs[VaeContract.Sigma].Values, "sigma");
        AssertClose(ToArray(pixelMean), outputs[VaeContract.Reconstruction].Values, "reconstruction");

        // The same formula on the TorchSharp side (what training quantiles use)…
        var torchError = VaeReconstructionError.PerImage(decoded, images, likelihood, info.GaussianSigma);
        AssertClose(ToArray(torchError), outputs[VaeContract.ReconstructionError].Values, "reconstruction_error vs VaeReconstructionError", relative: true);
        // …and independent references: libtorch's BCE-with-logits, or the Gaussian density summed in double.
        float[] reference = likelihood == VaeLikelihood.Bernoulli
            ? ToArray(functional.binary_cross_entropy_with_logits(decoded, images, reduction: Reduction.None).flatten(1).sum(1))
            : GaussianNegativeLogLikelihood(pixels, ToArray(decoded), info.GaussianSigma!.Value, batch);
        AssertClose(reference, outputs[VaeContract.ReconstructionError].Values, "reconstruction_error vs reference", relative: true);

        AssertClose(ClosedFormKl(ToArray(mu), ToArray(logVar), a.LatentDim), outputs[VaeContract.Kl].Values, "kl", relative: true);
    }

    [Theory]
    [InlineData(2, 0, ";depth=2")]
    [InlineData(0, 6, ";head=6")]
    [InlineData(1, 5, ";depth=1;head=5")]
    public void ConvWithRefinementAndHeadLayersMatchesTorchSharp(int convDepth, int convHead, string architectureText)
    {
        using var scope = NewDisposeScope();
        using var network = TinyNetwork(VaeKind.Conv, convDepth: convDepth, convHead: convHead);
        AssertBernoulliExportMatches(network, architectureText);
    }

    [Theory]
    [InlineData(VaeKind.Mlp, VaeActivation.Elu, "mlp:32;act=elu")]
    [InlineData(VaeKind.Mlp, VaeActivation.Silu, "mlp:32;act=silu")]
    [InlineData(VaeKind.Conv, VaeActivation.Elu, ";dense=32;depth=1;act=elu")]
    [InlineData(VaeKind.Conv, VaeActivation.Silu, ";dense=32;depth=1;act=silu")]
    public void SmoothActivationsMatchTorchSharp(VaeKind kind, VaeActivation activation, string architectureText)
    {
        using var scope = NewDisposeScope();
        using var network = TinyNetwork(kind, convDepth: kind == VaeKind.Conv ? 1 : 0, activation: activation);
        var files = AssertBernoulliExportMatches(network, architectureText);
        // The network's layers really use the smooth activation, and no ReLU is left among them (the loss
        // nodes after the network keep theirs: BCE-with-logits is written with Relu and Abs).
        var layerNodes = Vae.MLNet.Onnx.Proto.ModelProto.Parser.ParseFrom(File.ReadAllBytes(files.VaeModelPath)).Graph.Node
            .Where(n => n.Output[0].StartsWith("encoder", StringComparison.Ordinal) || n.Output[0].StartsWith("decoder", StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(layerNodes, n => n.OpType == "Relu");
        Assert.Contains(layerNodes, n => n.OpType == (activation == VaeActivation.Elu ? "Elu" : "Sigmoid"));
    }

    /// <summary>
    /// Exports a Bernoulli <paramref name="network"/> (1×28×28) and checks μ, log σ² and the reconstruction from ONNX
    /// Runtime against TorchSharp on 16 real images, and the architecture text in the metadata.
    /// </summary>
    private VaeOnnxFiles AssertBernoulliExportMatches(VaeNetwork network, string architectureText)
    {
        var files = VaeOnnxExporter.Export(network, Info(VaeLikelihood.Bernoulli), _folder);
        const int batch = 16;
        float[] pixels = Pixels(batch);
        var outputs = Run(files.VaeModelPath, VaeContract.ImageInput, pixels, [batch, 1, 28, 28]);
        Tensor mu, logVar, logits;
        using (no_grad()) (mu, logVar, logits) = network.forward(tensor(pixels, [batch, 1, 28, 28]));
        AssertClose(ToArray(mu), outputs[VaeContract.Mu].Values, "mu");
        AssertClose(ToArray(logVar), outputs[VaeContract.LogVar].Values, "logvar");
        AssertClose(ToArray(logits.sigmoid()), outputs[VaeContract.Reconstruction].Values, "reconstruction");
        using var exported = VaeModel.Load(files.VaeModelPath);
        Assert.Contains(architectureText, exported.Architecture, StringComparison.Ordinal);
        return files;
    }

    [Theory]
    [InlineData(VaeKind.Mlp, VaeLikelihood.Bernoulli)]
    [InlineData(VaeKind.Conv, VaeLikelihood.Bernoulli)]
    [InlineData(VaeKind.Conv, VaeLikelihood.Gaussian)]
    public void DecoderModelMatchesNetworkDecode(VaeKind kind, VaeLikelihood likelihood)
    {
        using var scope = NewDisposeScope();
        using var network = TinyNetwork(kind);
        var files = VaeOnnxExporter.Export(network, Info(likelihood), _folder);
        int k = network.Architecture.LatentDim;
        foreach (int batch in new[] { 1, 16 })
        {
            manual_seed(batch);
            var z = randn(batch, k) * 2;
            Tensor logits;
            using (no_grad()) logits = network.Decode(z);
            var outputs = Run(files.DecoderModelPath, VaeContract.LatentInput, ToArray(z), [batch, k]);
            Assert.Equal(logits.shape.Select(d => (int)d), outputs[VaeOnnxExporter.DecoderLogitsOutput].Shape);
            AssertClose(ToArray(logits), outputs[VaeOnnxExporter.DecoderLogitsOutput].Values, "logits");
            var pixelMean = likelihood == VaeLikelihood.Bernoulli ? logits.sigmoid() : logits;
            AssertClose(ToArray(pixelMean), outputs[VaeContract.Reconstruction].Values, "reconstruction");
        }
    }

    [Theory]
    [InlineData(VaeKind.Mlp)]
    [InlineData(VaeKind.Conv)]
    public void BriefTrainingKeepsOnnxAndTorchSharpEqual(VaeKind kind)
    {
        // Random initial weights give μ ≈ 0 and logits within ±0.5; a few ELBO steps move them well beyond.
        using var scope = NewDisposeScope();
        using var network = TinyNetwork(kind);
        const int batch = 32;
        var images = tensor(Pixels(batch), [batch, 1, 28, 28]);
        using var optimizer = TorchSharp.torch.optim.Adam(network.parameters(), lr: 1e-2);
        network.train();
        for (int step = 0; step < 10; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var (mu, logVar, _) = network.forward(images);
            var z = mu + (0.5 * logVar).exp() * randn_like(mu);
            var reconstruction = functional.binary_cross_entropy_with_logits(network.Decode(z), images, reduction: Reduction.Sum);
            var kl = -0.5 * (1 + logVar - mu.square() - logVar.exp()).sum();
            ((reconstruction + kl) / batch).backward();
            optimizer.step();
        }
        network.eval();

        var files = VaeOnnxExporter.Export(network, Info(VaeLikelihood.Bernoulli), _folder);
        var outputs = Run(files.VaeModelPath, VaeContract.ImageInput, Pixels(batch), [batch, 1, 28, 28]);
        Tensor trainedMu, trainedLogVar, logits;
        using (no_grad()) (trainedMu, trainedLogVar, logits) = network.forward(images);
        float largestLogit = logits.abs().max().item<float>();
        Assert.True(largestLogit > 1.5, $"training should have moved the logits away from 0 (largest |logit| {largestLogit}).");
        AssertClose(ToArray(trainedMu), outputs[VaeContract.Mu].Values, "mu");
        AssertClose(ToArray(trainedLogVar), outputs[VaeContract.LogVar].Values, "logvar");
        AssertClose(ToArray(logits.sigmoid()), outputs[VaeContract.Reconstruction].Values, "reconstruction");
        var reference = functional.binary_cross_entropy_with_logits(logits, images, reduction: Reduction.None).flatten(1).sum(1);
        AssertClose(ToArray(reference), outputs[VaeContract.ReconstructionError].Values, "reconstruction_error", relative: true);
        AssertClose(ClosedFormKl(ToArray(trainedMu), ToArray(trainedLogVar), 4), outputs[VaeContract.Kl].Values, "kl", relative: true);
    }

    [Fact]
    public void ExportWritesBothFilesAndNoTempFiles()
    {
        using var network = TinyNetwork(VaeKind.Mlp);
        string target = Path.Combine(_folder, "nested", "model");
        var files = VaeOnnxExporter.Export(network, Info(VaeLikelihood.Bernoulli), target);
        Assert.Equal(Path.Combine(target, "vae.onnx"), files.VaeModelPath);
        Assert.Equal(Path.Combine(target, "decoder.onnx"), files.DecoderModelPath);
        Assert.Equal(new[] { "decoder.onnx", "vae.onnx" }, Directory.GetFiles(target).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void ExportedWeightsAreTheNetworksWeights()
    {
        // Different seeds ⇒ different weights ⇒ different μ: guards against exporting something fixed.
        using var scope = NewDisposeScope();
        using var first = TinyNetwork(VaeKind.Mlp, seed: 1);
        using var second = TinyNetwork(VaeKind.Mlp, seed: 2);
        var a = first.Architecture;
        float[] pixels = Pixels(2);
        int[] shape = [2, a.Channels, a.Height, a.Width];
        var muFirst = Run(VaeOnnxExporter.Export(first, Info(VaeLikelihood.Bernoulli), Path.Combine(_folder, "1")).VaeModelPath, "image", pixels, shape)["mu"].Values;
        var muSecond = Run(VaeOnnxExporter.Export(second, Info(VaeLikelihood.Bernoulli), Path.Combine(_folder, "2")).VaeModelPath, "image", pixels, shape)["mu"].Values;
        Assert.True(muFirst.Zip(muSecond).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
    }

    [Theory]
    [InlineData(VaeKind.Mlp, VaeLikelihood.Bernoulli)]
    [InlineData(VaeKind.Conv, VaeLikelihood.Gaussian)]
    public void ReconstructionDivergenceIsTheKlOfPixelDistributionsComputedByHand(VaeKind kind, VaeLikelihood likelihood)
    {
        using var scope = NewDisposeScope();
        using var network = TinyNetwork(kind);
        var info = Info(likelihood);
        var files = VaeOnnxExporter.Export(network, info, _folder);
        const int batch = 16;
        float[] pixels = Pixels(batch);
        using var model = VaeModel.Load(files.VaeModelPath);
        var result = model.Run(pixels, batch, VaeOutputKinds.Reconstruction | VaeOutputKinds.ReconstructionError | VaeOutputKinds.ReconstructionDivergence);

        int p = model.PixelCount;
        var expected = new float[batch];
        for (int n = 0; n < batch; n++)
        {
            double sum = 0;
            for (int i = n * p; i < (n + 1) * p; i++)
            {
                double x = pixels[i], mean = result.Reconstruction![i];
                // Bernoulli: KL(Bern(x) ‖ Bern(x̂)) with 0·log 0 = 0; Gaussian: ½((x − x̂)/σ)².
                sum += likelihood == VaeLikelihood.Bernoulli
                    ? (x > 0 ? x * Math.Log(x / mean) : 0) + (x < 1 ? (1 - x) * Math.Log((1 - x) / (1 - mean)) : 0)
                    : 0.5 * Math.Pow((x - mean) / info.GaussianSigma!.Value, 2);
            }
            expected[n] = (float)sum;
        }
        // The divergence is a difference of two ~500-nat sums in float: compare with an absolute tolerance of a few float ulps of the error.
        double tolerance = 2e-6 * result.ReconstructionError!.Max();
        for (int n = 0; n < batch; n++)
        {
            Assert.True(Math.Abs(expected[n] - result.ReconstructionDivergence![n]) <= Math.Max(tolerance, 1e-4 * expected[n]),
                $"row {n}: divergence {result.ReconstructionDivergence![n]}, by hand {expected[n]}, error {result.ReconstructionError![n]}");
            Assert.True(result.ReconstructionDivergence![n] < result.ReconstructionError![n] || likelihood == VaeLikelihood.Gaussian);
        }
        Assert.True(expected.Max() > 1.5 * expected.Min(), "divergences should differ across images");
    }

    [Theory]
    [InlineData(VaeKind.Mlp)]
    [InlineData(VaeKind.Conv)]
    public void MixturePriorKlMatchesTorchSharpAndMetadataNamesThePrior(VaeKind kind)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var network = new VaeNetwork(TinyArchitecture(kind) with { PriorComponents = 3 });
        network.eval();
        // Spread components (the untrained prior is N(0, I) three times over, which the standard KL would also match).
        var generator = new Generator(2, CPU);
        network.Prior!.SetComponents(tensor(new[] { 0.2f, 0.5f, 0.3f }), randn([3, 4], generator: generator),
            rand([3, 4], generator: generator) + 0.2);
        var files = VaeOnnxExporter.Export(network, Info(VaeLikelihood.Bernoulli), _folder);

        const int Batch = 64;
        var outputs = Run(files.VaeModelPath, VaeContract.ImageInput, Pixels(Batch), [Batch, 1, 28, 28]);
        Tensor torchKl, mu, logVar;
        using (no_grad())
        {
            (mu, logVar, _) = network.forward(tensor(Pixels(Batch), [Batch, 1, 28, 28]));
            torchKl = network.Prior!.Kl(mu, logVar).Kl;
        }
        AssertClose(ToArray(torchKl), outputs[VaeContract.Kl].Values, "mixture kl", relative: true);
        float[] standard = ClosedFormKl(ToArray(mu), ToArray(logVar), 4);
        Assert.Contains(Enumerable.Range(0, Batch), n => Math.Abs(standard[n] - outputs[VaeContract.Kl].Values[n]) > 0.1);
        Assert.Contains(";prior=mixture3", Vae.MLNet.Onnx.OnnxModelFile.GetMetadata(Vae.MLNet.Onnx.OnnxModelFile.Read(files.VaeModelPath))[VaeContract.Metadata.Architecture], StringComparison.Ordinal);
    }

    private static float[] GaussianNegativeLogLikelihood(float[] pixels, float[] mean, double sigma, int batch)
    {
        int perImage = pixels.Length / batch;
        var result = new float[batch];
        for (int n = 0; n < batch; n++)
        {
            double sum = 0;
            for (int i = n * perImage; i < (n + 1) * perImage; i++)
            {
                double standardized = (pixels[i] - mean[i]) / sigma;
                sum += 0.5 * standardized * standardized + Math.Log(sigma) + 0.5 * Math.Log(2 * Math.PI);
            }
            result[n] = (float)sum;
        }
        return result;
    }

    private static float[] ClosedFormKl(float[] mu, float[] logVar, int k)
    {
        var result = new float[mu.Length / k];
        for (int n = 0; n < result.Length; n++)
        {
            double sum = 0;
            for (int j = n * k; j < (n + 1) * k; j++)
                sum += 1 + logVar[j] - mu[j] * (double)mu[j] - Math.Exp(logVar[j]);
            result[n] = (float)(-0.5 * sum);
        }
        return result;
    }
}
