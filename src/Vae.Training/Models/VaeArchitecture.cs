using System.Globalization;

namespace Vae.Training.Models;

/// <summary>The kinds of VAE this project builds.</summary>
public enum VaeKind
{
    /// <summary>Fully connected encoder and decoder (Kingma &amp; Welling's MNIST model).</summary>
    Mlp,
    /// <summary>Strided convolutions down, transposed convolutions up, one dense layer in between.</summary>
    Conv,
}

/// <summary>
/// Everything needed to rebuild a VAE's layers: stored in checkpoints and, as text, in the ONNX
/// metadata (<c>vae.architecture</c>). <paramref name="Hidden"/> holds the hidden layer widths for
/// <see cref="VaeKind.Mlp"/> and the convolution channels for <see cref="VaeKind.Conv"/>.
/// <paramref name="PriorComponents"/> is 0 for the standard prior N(0, I), or K for a learned mixture of K
/// Gaussians (<see cref="MixturePrior"/>).
/// </summary>
public sealed record VaeArchitecture(VaeKind Kind, int Channels, int Height, int Width, int LatentDim, int[] Hidden, int ConvDense = 256, int ConvDepth = 0, int ConvHead = 0, VaeActivation Activation = VaeActivation.Relu, int PriorComponents = 0)
{
    /// <summary>Pixels per image, C·H·W.</summary>
    public int PixelCount => Channels * Height * Width;

    /// <summary>The MLP of Kingma &amp; Welling (784-400-20 on 28×28 grayscale).</summary>
    public static VaeArchitecture Mlp(int channels = 1, int height = 28, int width = 28, int latentDim = 20, params int[] hidden)
        => new VaeArchitecture(VaeKind.Mlp, channels, height, width, latentDim, hidden.Length == 0 ? new[] { 400 } : hidden).Validated();

    /// <summary>A small convolutional VAE: 4×4 stride-2 convolutions with the given channels.</summary>
    public static VaeArchitecture Conv(int channels = 1, int height = 28, int width = 28, int latentDim = 20, params int[] convChannels)
        => new VaeArchitecture(VaeKind.Conv, channels, height, width, latentDim, convChannels.Length == 0 ? new[] { 32, 64 } : convChannels).Validated();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible setting.</summary>
    public VaeArchitecture Validated()
    {
        if (Channels <= 0 || Height <= 0 || Width <= 0)
            throw new ArgumentException($"Image shape must be positive, got {Channels}x{Height}x{Width}.");
        if (LatentDim <= 0)
            throw new ArgumentException($"Latent size must be positive, got {LatentDim}.");
        if (!Enum.IsDefined(Activation))
            throw new ArgumentException($"Unknown activation {Activation}; expected one of {string.Join(", ", Enum.GetNames<VaeActivation>())}.");
        if (Hidden.Length == 0 || Hidden.Any(h => h <= 0))
            throw new ArgumentException($"Hidden sizes must be positive, got [{string.Join(",", Hidden)}].");
        if (PriorComponents < 0 || PriorComponents == 1)
            throw new ArgumentException($"Prior components must be 0 (standard normal prior) or at least 2 (a mixture), got {PriorComponents}.");
        if (Kind == VaeKind.Conv)
        {
            int factor = 1 << Hidden.Length;
            if (Height % factor != 0 || Width % factor != 0)
                throw new ArgumentException(
                    $"A conv VAE with {Hidden.Length} stride-2 layers needs height and width divisible by {factor}, got {Height}x{Width}.");
            if (ConvDense <= 0)
                throw new ArgumentException($"Dense width must be positive, got {ConvDense}.");
            if (ConvDepth < 0)
                throw new ArgumentException($"Conv depth (extra 3x3 layers per resolution) must be 0 or more, got {ConvDepth}.");
            if (ConvHead < 0)
                throw new ArgumentException($"Conv head width (channels of the decoder's full-resolution 3x3 layer) must be 0 (off) or more, got {ConvHead}.");
        }
        return this;
    }

    /// <summary>Spatial size after the conv encoder (H / 2^layers, W / 2^layers).</summary>
    public (int Height, int Width) ConvBottleneck => (Height >> Hidden.Length, Width >> Hidden.Length);

    /// <summary>Text form for metadata and logs, e.g. <c>mlp:400 1x28x28 k=20</c> or <c>conv:32,64;dense=256;act=elu;prior=mixture10 1x28x28 k=20</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Kind.ToString().ToLowerInvariant()}:{string.Join(",", Hidden)}{(Kind == VaeKind.Conv ? $";dense={ConvDense}" : "")}{(Kind == VaeKind.Conv && ConvDepth > 0 ? $";depth={ConvDepth}" : "")}{(Kind == VaeKind.Conv && ConvHead > 0 ? $";head={ConvHead}" : "")}{(Activation != VaeActivation.Relu ? $";act={Activation.ToString().ToLowerInvariant()}" : "")}{(PriorComponents > 0 ? $";prior=mixture{PriorComponents}" : "")} {Channels}x{Height}x{Width} k={LatentDim}");
}
