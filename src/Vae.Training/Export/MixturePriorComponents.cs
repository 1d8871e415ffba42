using System.Text.Json;
using TorchSharp;
using Vae.MLNet;
using Vae.Training.Models;
using static TorchSharp.torch;

namespace Vae.Training.Export;

/// <summary>A mixture prior's components in plain numbers: weights π [K], means [K][k], variances [K][k].</summary>
public sealed record MixturePriorComponents(double[] Weights, double[][] Means, double[][] Variances)
{
    /// <summary>The components of a trained <see cref="MixturePrior"/>.</summary>
    public static MixturePriorComponents From(MixturePrior prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        double[] weights = nn.functional.softmax(prior.Logits, 0).to(ScalarType.Float64).data<double>().ToArray();
        double[][] means = Rows(prior.Means, prior.LatentDim);
        double[][] variances = Rows(prior.LogVars.exp(), prior.LatentDim);
        return new MixturePriorComponents(weights, means, variances);
    }

    /// <summary>The JSON of <see cref="VaeContract.Metadata.Prior"/>.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Json(Weights, Means, Variances), JsonOptions);

    /// <summary>Reads <see cref="VaeContract.Metadata.Prior"/> of <paramref name="source"/> (named in errors), checking shapes and values.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid mixture prior.</exception>
    public static MixturePriorComponents Parse(string json, string source, int latentDim)
    {
        Json? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<Json>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: metadata '{VaeContract.Metadata.Prior}' is not valid JSON ({e.Message}).", e);
        }
        if (parsed?.Weights is not { Length: >= 1 } weights || parsed.Means is not { } means || parsed.Variances is not { } variances
            || means.Length != weights.Length || variances.Length != weights.Length
            || means.Any(m => m?.Length != latentDim) || variances.Any(v => v?.Length != latentDim))
            throw new InvalidDataException($"{source}: metadata '{VaeContract.Metadata.Prior}' must hold weights [K], means [K][{latentDim}] and variances [K][{latentDim}].");
        if (weights.Any(w => !(w >= 0) || double.IsInfinity(w)) || Math.Abs(weights.Sum() - 1) > 1e-3
            || means.Any(m => m.Any(v => !double.IsFinite(v))) || variances.Any(v => v.Any(x => !(x > 0) || double.IsInfinity(x))))
            throw new InvalidDataException($"{source}: metadata '{VaeContract.Metadata.Prior}' needs weights ≥ 0 summing to 1, finite means and variances > 0.");
        return new MixturePriorComponents(weights, means, variances);
    }

    private static double[][] Rows(Tensor matrix, int columns)
    {
        double[] flat = matrix.to(ScalarType.Float64).contiguous().data<double>().ToArray();
        return Enumerable.Range(0, flat.Length / columns).Select(r => flat.AsSpan(r * columns, columns).ToArray()).ToArray();
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private sealed record Json(double[]? Weights, double[][]? Means, double[][]? Variances);
}
