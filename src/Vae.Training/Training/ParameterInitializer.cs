using TorchSharp;
using static TorchSharp.torch;

namespace Vae.Training;

/// <summary>
/// Re-draws a network's parameters from PyTorch's default distribution for Linear, Conv2d and
/// ConvTranspose2d — weight and bias ~ U(−b, b) with b = 1/√fan_in, fan_in = weight.size(1)·kernel area
/// (what kaiming_uniform_(a=√5) reduces to) — but from an explicit <see cref="Generator"/> rather than the
/// process-wide one, so concurrent code cannot perturb a seeded initialisation.
/// </summary>
internal static class ParameterInitializer
{
    internal static void Reset(nn.Module module, Generator generator)
    {
        // The mixture prior is not a layer: it starts as identical N(0, I) components (see MixturePrior).
        var parameters = module.named_parameters().Where(p => !p.name.StartsWith("prior.", StringComparison.Ordinal)).ToList();
        var bounds = new Dictionary<string, double>(StringComparer.Ordinal);
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in parameters.Where(p => p.name.EndsWith(".weight", StringComparison.Ordinal)))
        {
            long[] shape = parameter.shape;
            if (shape.Length < 2)
                throw new InvalidOperationException($"Parameter {name} has shape [{string.Join(", ", shape)}]; expected a Linear or convolution weight.");
            long fanIn = shape[1];
            for (int d = 2; d < shape.Length; d++) fanIn *= shape[d];
            double bound = 1.0 / Math.Sqrt(fanIn);
            bounds[name[..^".weight".Length]] = bound;
            Uniform(parameter, bound, generator);
        }
        foreach (var (name, parameter) in parameters.Where(p => !p.name.EndsWith(".weight", StringComparison.Ordinal)))
        {
            if (!name.EndsWith(".bias", StringComparison.Ordinal) || !bounds.TryGetValue(name[..^".bias".Length], out double bound))
                throw new InvalidOperationException($"Parameter {name} has no matching weight; the initialiser only knows Linear and convolution layers.");
            Uniform(parameter, bound, generator);
        }
    }

    // nn.init.uniform_ in TorchSharp 0.107 ignores its generator argument (it draws from the global
    // generator), so draw U[0, 1) with torch.rand, which honours it, and map to [−b, b).
    private static void Uniform(Tensor parameter, double bound, Generator generator)
    {
        using var unit = torch.rand(parameter.shape, parameter.dtype, parameter.device, generator: generator);
        using var scaled = unit * (2 * bound) - bound;
        parameter.copy_(scaled);
    }
}
