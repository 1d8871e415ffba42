using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vae.Training.Models;

/// <summary>
/// A VAE as plain layer stacks: <see cref="EncoderBody"/> (image → features), two linear heads for μ and
/// log σ², and <see cref="Decoder"/> (z → pixel logits [N, C, H, W]). Only built-in layers appear in the
/// stacks (Linear, Conv2d, ConvTranspose2d, ReLU/ELU/SiLU, Flatten, Unflatten), so the ONNX exporter can walk the
/// same modules the forward pass runs — one description, two executions.
/// </summary>
public sealed class VaeNetwork : Module<Tensor, (Tensor Mu, Tensor LogVar, Tensor Logits)>
{
    /// <summary>The layer layout this network was built from.</summary>
    public VaeArchitecture Architecture { get; }

    /// <summary>Image [N, C, H, W] → features [N, F].</summary>
    public Sequential EncoderBody { get; }
    /// <summary>Features → μ [N, k].</summary>
    public Linear MuHead { get; }
    /// <summary>Features → log σ² [N, k].</summary>
    public Linear LogVarHead { get; }
    /// <summary>z [N, k] → logits [N, C, H, W] (Bernoulli logits, or the Gaussian mean before no activation).</summary>
    public Sequential Decoder { get; }
    /// <summary>The learned mixture prior p(z), or null for the standard N(0, I).</summary>
    public MixturePrior? Prior => prior;
    // The field's name is the parameters' prefix in checkpoints: prior.logits, prior.means, prior.log_variances.
#pragma warning disable IDE1006 // a state-dict name, not a C# one
    private readonly MixturePrior? prior;
#pragma warning restore IDE1006

    /// <summary>Builds the layers; initialise under <c>torch.manual_seed</c> for reproducible weights.</summary>
    public VaeNetwork(VaeArchitecture architecture) : base("vae")
    {
        Architecture = architecture.Validated();
        (EncoderBody, int features) = architecture.Kind switch
        {
            VaeKind.Mlp => BuildMlpEncoder(architecture),
            VaeKind.Conv => BuildConvEncoder(architecture),
            _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture.Kind, "Unknown VAE kind."),
        };
        MuHead = Linear(features, architecture.LatentDim);
        LogVarHead = Linear(features, architecture.LatentDim);
        Decoder = architecture.Kind == VaeKind.Mlp ? BuildMlpDecoder(architecture) : BuildConvDecoder(architecture);
        if (architecture.PriorComponents > 0)
            prior = new MixturePrior(architecture.PriorComponents, architecture.LatentDim);
        RegisterComponents();
    }

    /// <summary>q(z|x): μ and log σ², each [N, k].</summary>
    public (Tensor Mu, Tensor LogVar) Encode(Tensor image)
    {
        using var scope = NewDisposeScope();
        using var features = EncoderBody.forward(image);
        return scope.MoveToOuter(MuHead.forward(features), LogVarHead.forward(features));
    }

    /// <summary>p(x|z): logits [N, C, H, W].</summary>
    public Tensor Decode(Tensor z) => Decoder.forward(z);

    /// <summary>Deterministic forward (z = μ): μ, log σ² and the logits decoded from μ.</summary>
    public override (Tensor Mu, Tensor LogVar, Tensor Logits) forward(Tensor image)
    {
        var (mu, logVar) = Encode(image);
        return (mu, logVar, Decode(mu));
    }

    private static (Sequential, int) BuildMlpEncoder(VaeArchitecture a)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)> { ("flatten", Flatten()) };
        int width = a.PixelCount;
        for (int i = 0; i < a.Hidden.Length; i++)
        {
            layers.Add(($"fc{i}", Linear(width, a.Hidden[i])));
            layers.Add(($"act{i}", Activation(a)));
            width = a.Hidden[i];
        }
        return (Sequential(layers), width);
    }

    private static Sequential BuildMlpDecoder(VaeArchitecture a)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int width = a.LatentDim;
        for (int i = a.Hidden.Length - 1; i >= 0; i--)
        {
            layers.Add(($"fc{a.Hidden.Length - 1 - i}", Linear(width, a.Hidden[i])));
            layers.Add(($"act{a.Hidden.Length - 1 - i}", Activation(a)));
            width = a.Hidden[i];
        }
        layers.Add(("out", Linear(width, a.PixelCount)));
        layers.Add(("unflatten", Unflatten(1, new long[] { a.Channels, a.Height, a.Width })));
        return Sequential(layers);
    }

    private static (Sequential, int) BuildConvEncoder(VaeArchitecture a)
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int channels = a.Channels;
        for (int i = 0; i < a.Hidden.Length; i++)
        {
            layers.Add(($"conv{i}", Conv2d(channels, a.Hidden[i], kernel_size: 4, stride: 2, padding: 1)));
            layers.Add(($"act{i}", Activation(a)));
            channels = a.Hidden[i];
            AddRefinements(layers, a, $"conv{i}", channels);
        }
        var (h, w) = a.ConvBottleneck;
        layers.Add(("flatten", Flatten()));
        layers.Add(("dense", Linear(channels * h * w, a.ConvDense)));
        layers.Add(("act_dense", Activation(a)));
        return (Sequential(layers), a.ConvDense);
    }

    private static Sequential BuildConvDecoder(VaeArchitecture a)
    {
        var (h, w) = a.ConvBottleneck;
        int channels = a.Hidden[^1];
        var layers = new List<(string, Module<Tensor, Tensor>)>
        {
            ("dense", Linear(a.LatentDim, a.ConvDense)),
            ("act_dense", Activation(a)),
            ("expand", Linear(a.ConvDense, channels * h * w)),
            ("act_expand", Activation(a)),
            ("unflatten", Unflatten(1, new long[] { channels, h, w })),
        };
        for (int i = a.Hidden.Length - 1; i >= 0; i--)
        {
            AddRefinements(layers, a, $"deconv{a.Hidden.Length - 1 - i}", channels);
            bool last = i == 0;
            int outChannels = !last ? a.Hidden[i - 1] : a.ConvHead > 0 ? a.ConvHead : a.Channels;
            layers.Add(($"deconv{a.Hidden.Length - 1 - i}", ConvTranspose2d(channels, outChannels, kernel_size: 4, stride: 2, padding: 1)));
            if (!last || a.ConvHead > 0) layers.Add(($"act_deconv{a.Hidden.Length - 1 - i}", Activation(a)));
            channels = outChannels;
        }
        // The head: a 3×3 layer at the input resolution, so each output pixel mixes a 3×3 neighbourhood of
        // ConvHead features instead of being one linear read-out of a 2×2 patch of the last transposed conv.
        if (a.ConvHead > 0)
            layers.Add(("head", Conv2d(a.ConvHead, a.Channels, kernel_size: 3, stride: 1, padding: 1)));
        return Sequential(layers);
    }

    /// <summary>
    /// <c>ConvDepth</c> 3×3 stride-1 convolutions (+activation) that keep size and channels: more
    /// computation per resolution without more downsampling. Only below the input resolution, where they
    /// are cheap (a 28×28 stage would cost several times the whole network).
    /// </summary>
    private static void AddRefinements(List<(string, Module<Tensor, Tensor>)> layers, VaeArchitecture a, string stage, int channels)
    {
        for (int d = 0; d < a.ConvDepth; d++)
        {
            layers.Add(($"{stage}_refine{d}", Conv2d(channels, channels, kernel_size: 3, stride: 1, padding: 1)));
            layers.Add(($"{stage}_refine{d}_act", Activation(a)));
        }
    }

    /// <summary>A fresh hidden-layer nonlinearity of the architecture's kind (layers hold no weights, so names do not reach checkpoints).</summary>
    private static Module<Tensor, Tensor> Activation(VaeArchitecture a) => a.Activation switch
    {
        VaeActivation.Relu => ReLU(),
        VaeActivation.Elu => ELU(),
        VaeActivation.Silu => SiLU(),
        _ => throw new ArgumentOutOfRangeException(nameof(a), a.Activation, "Unknown activation."),
    };
}
