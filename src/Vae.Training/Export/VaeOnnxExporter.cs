using Vae.MLNet;
using Vae.MLNet.Onnx;
using Vae.MLNet.Onnx.Proto;
using Vae.Training.Models;
using GraphTensor = Vae.Training.Export.TorchLayerEmitter.GraphTensor;

namespace Vae.Training.Export;

/// <summary>The two files written by <see cref="VaeOnnxExporter.Export"/>.</summary>
/// <param name="VaeModelPath">Full path of <c>vae.onnx</c> (image → μ, σ, log σ², reconstruction, error, KL).</param>
/// <param name="DecoderModelPath">Full path of <c>decoder.onnx</c> (z → reconstruction, logits).</param>
public sealed record VaeOnnxFiles(string VaeModelPath, string DecoderModelPath);

/// <summary>
/// Writes a trained <see cref="VaeNetwork"/> as ONNX (contract v1, see docs/contract.md): the layers are
/// translated one by one (TorchSharp has no ONNX exporter) and the likelihood terms are added as nodes
/// (<c>Vae.MLNet.Onnx.VaeFormulas</c>, the formulas' one ONNX home),
/// so ONNX Runtime reproduces the TorchSharp forward pass and the training-time error.
/// </summary>
public static class VaeOnnxExporter
{
    /// <summary>File name of the full model.</summary>
    public const string VaeFileName = "vae.onnx";
    /// <summary>File name of the decoder-only model.</summary>
    public const string DecoderFileName = "decoder.onnx";
    /// <summary>Extra output of <c>decoder.onnx</c>: the raw decoder output (Bernoulli logits, the Gaussian or Laplace mean, the logistic's location).</summary>
    public const string DecoderLogitsOutput = "logits";

    /// <summary>
    /// Writes <see cref="VaeFileName"/> and <see cref="DecoderFileName"/> into <paramref name="outputDirectory"/>
    /// (created if missing), each atomically, and returns their paths.
    /// </summary>
    /// <exception cref="NotSupportedException">The network holds a layer the exporter cannot translate.</exception>
    public static VaeOnnxFiles Export(VaeNetwork network, VaeExportInfo info, string outputDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        var vae = BuildVaeModel(network, info);
        var decoder = BuildDecoderModel(network, info);
        string directory = Directory.CreateDirectory(outputDirectory).FullName;
        var files = new VaeOnnxFiles(Path.Combine(directory, VaeFileName), Path.Combine(directory, DecoderFileName));
        OnnxModelFile.Write(vae, files.VaeModelPath);
        OnnxModelFile.Write(decoder, files.DecoderModelPath);
        return files;
    }

    /// <summary>The full model: input <c>image</c> [N, C, H, W]; outputs mu, logvar, sigma, reconstruction, reconstruction_error, kl.</summary>
    internal static ModelProto BuildVaeModel(VaeNetwork network, VaeExportInfo info)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(info);
        info.Validated();
        var a = network.Architecture;
        long?[] imageShape = [null, a.Channels, a.Height, a.Width];
        long?[] latentShape = [null, a.LatentDim];

        var builder = new OnnxGraphBuilder("vae");
        var image = new GraphTensor(builder.AddInput(VaeContract.ImageInput, imageShape), 4);
        builder.AddOutput(VaeContract.Mu, latentShape);
        builder.AddOutput(VaeContract.LogVar, latentShape);
        builder.AddOutput(VaeContract.Sigma, latentShape);
        builder.AddOutput(VaeContract.Reconstruction, imageShape);
        builder.AddOutput(VaeContract.ReconstructionError, [null]);
        builder.AddOutput(VaeContract.Kl, [null]);

        var features = TorchLayerEmitter.Emit(builder, network.EncoderBody, image, "encoder");
        string mu = EmitHead(builder, network.MuHead, features, "mu_head", VaeContract.Mu);
        string logVar = EmitHead(builder, network.LogVarHead, features, "logvar_head", VaeContract.LogVar);
        VaeFormulas.Sigma(builder, logVar, VaeContract.Sigma);

        double[]? scales = info.ScalesFor(a.Channels);
        string decoded = TorchLayerEmitter.Emit(builder, network.Decoder, new GraphTensor(mu, 2), "decoder").Name;
        VaeFormulas.PixelMean(builder, decoded, info.Likelihood, scales, a.PixelCount, VaeContract.Reconstruction);
        VaeFormulas.ReconstructionError(builder, image.Name, decoded, info.Likelihood, scales, a.PixelCount, VaeContract.ReconstructionError);
        if (network.Prior is { } prior)
            MixturePriorGraph.Kl(builder, prior, mu, logVar, VaeContract.Kl);
        else
            VaeFormulas.Kl(builder, mu, logVar, VaeContract.Kl);

        return builder.Build(VaeExportMetadata.ProducerName, VaeExportMetadata.ProducerVersion, VaeExportMetadata.Build(a, info, network.Prior));
    }

    /// <summary>The decoder model: input <c>z</c> [N, k]; outputs reconstruction (pixel space) and logits, [N, C, H, W].</summary>
    internal static ModelProto BuildDecoderModel(VaeNetwork network, VaeExportInfo info)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(info);
        info.Validated();
        var a = network.Architecture;
        long?[] imageShape = [null, a.Channels, a.Height, a.Width];

        var builder = new OnnxGraphBuilder("vae_decoder");
        var z = new GraphTensor(builder.AddInput(VaeContract.LatentInput, [null, a.LatentDim]), 2);
        builder.AddOutput(VaeContract.Reconstruction, imageShape);
        builder.AddOutput(DecoderLogitsOutput, imageShape);

        string decoded = TorchLayerEmitter.Emit(builder, network.Decoder, z, "decoder").Name;
        builder.AddNode("Identity", [decoded], DecoderLogitsOutput);
        VaeFormulas.PixelMean(builder, decoded, info.Likelihood, info.ScalesFor(a.Channels), a.PixelCount, VaeContract.Reconstruction);

        return builder.Build(VaeExportMetadata.ProducerName, VaeExportMetadata.ProducerVersion, VaeExportMetadata.Build(a, info, network.Prior));
    }

    // The head's Gemm is named after its layer (like every weight); an Identity gives it the contract name.
    private static string EmitHead(OnnxGraphBuilder builder, TorchSharp.Modules.Linear head, GraphTensor features, string path, string output)
    {
        string raw = TorchLayerEmitter.Emit(builder, head, features, path).Name;
        return builder.AddNode("Identity", [raw], output);
    }
}
