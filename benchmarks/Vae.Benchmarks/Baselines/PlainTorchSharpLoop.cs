using TorchSharp;
using Vae.Training.Data;
using Vae.Training.Models;
using static TorchSharp.torch;

namespace Vae.Benchmarks.Baselines;

/// <summary>
/// The baseline the trainer is measured against: the shortest honest TorchSharp loop doing the same
/// work per step — reparameterised forward, summed BCE + closed-form KL averaged per image, backward,
/// Adam (PyTorch's β₁ = 0.9, β₂ = 0.999, as the trainer), reading the loss once — with none of the
/// trainer's bookkeeping (shuffling, metrics, progress, checkpoints).
/// </summary>
public sealed class PlainTorchSharpLoop : IDisposable
{
    private readonly VaeNetwork _network;
    private readonly optim.Optimizer _optimizer;
    private readonly ImageSet _data;
    private readonly int _batchSize;
    private readonly Generator _generator;

    /// <summary>A loop over <paramref name="data"/>; starts from <paramref name="initialWeights"/> when given (to check it computes what the trainer computes).</summary>
    public PlainTorchSharpLoop(VaeArchitecture architecture, ImageSet data, int batchSize, double learningRate, long seed, VaeNetwork? initialWeights = null)
    {
        torch.manual_seed(seed);
        _network = new VaeNetwork(architecture);
        if (initialWeights != null)
            _network.load_state_dict(initialWeights.state_dict());
        _network.train();
        _optimizer = optim.Adam(_network.parameters(), learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8);
        (_data, _batchSize) = (data, batchSize);
        _generator = new Generator((ulong)seed);
    }

    /// <summary>The network being trained.</summary>
    public VaeNetwork Network => _network;

    /// <summary>Runs <paramref name="steps"/> optimisation steps over consecutive batches; returns images processed.</summary>
    public long Run(int steps)
    {
        int batchesPerEpoch = _data.Count / _batchSize;
        long images = 0;
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            Step(Batch(_data, step % batchesPerEpoch, _batchSize), _generator);
            images += _batchSize;
        }
        return images;
    }

    /// <summary>One optimisation step on <paramref name="x"/> [N, C, H, W] with ε from <paramref name="epsilon"/>; returns the loss.</summary>
    public float Step(Tensor x, Generator epsilon)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0];
        var (mu, logVar) = _network.Encode(x);
        var z = mu + (0.5 * logVar).exp() * torch.randn(mu.shape, mu.dtype, mu.device, generator: epsilon);
        var logits = _network.Decode(z);
        var recon = nn.functional.binary_cross_entropy_with_logits(logits, x, reduction: nn.Reduction.Sum) / n;
        var kl = -0.5 * (1 + logVar - mu.pow(2) - logVar.exp()).sum() / n;
        var loss = recon + kl;
        _optimizer.zero_grad();
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    /// <summary>Batch <paramref name="index"/> of consecutive images as a tensor (a copy, as any loader makes).</summary>
    public static Tensor Batch(ImageSet data, int index, int batchSize)
    {
        int p = data.PixelsPerImage;
        return torch.tensor(data.CopyPixels(index * batchSize, batchSize),
            new long[] { batchSize, data.Channels, data.Height, data.Width });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer.Dispose();
        _network.Dispose();
        _generator.Dispose();
    }
}
