using System.Globalization;
using System.Text.Json;

namespace Vae.MLNet;

/// <summary>
/// How a model's metadata states its likelihood (<see cref="VaeContract.Metadata.Likelihood"/>) and the
/// likelihood's scales (<see cref="VaeContract.Metadata.GaussianSigma"/> for the Gaussian,
/// <see cref="VaeContract.Metadata.LikelihoodScale"/> for the Laplace and the discretized logistic): the
/// exporter writes with it, <c>VaeModelDescription.Read</c> reads with it, so both spell them alike. A scale
/// list holds one value (shared by every channel: a v1 Gaussian's σ) or one value per image channel.
/// </summary>
internal static class LikelihoodMetadata
{
    /// <summary>The metadata value naming <paramref name="likelihood"/>.</summary>
    public static string Name(VaeLikelihood likelihood) => likelihood switch
    {
        VaeLikelihood.Bernoulli => "bernoulli",
        VaeLikelihood.Gaussian => "gaussian",
        VaeLikelihood.Laplace => "laplace",
        VaeLikelihood.DiscretizedLogistic => "discretized_logistic",
        _ => throw new ArgumentOutOfRangeException(nameof(likelihood), likelihood, "Unknown likelihood."),
    };

    /// <summary>The likelihood a metadata value names, or null when the value is absent.</summary>
    /// <exception cref="InvalidDataException">Any other value, naming the key.</exception>
    public static VaeLikelihood? Parse(string? text, string source)
    {
        if (text is null)
            return null;
        foreach (var likelihood in Enum.GetValues<VaeLikelihood>())
            if (string.Equals(Name(likelihood), text, StringComparison.Ordinal))
                return likelihood;
        throw new InvalidDataException(
            $"'{source}': metadata {VaeContract.Metadata.Likelihood}='{text}', expected one of {string.Join(", ", Enum.GetValues<VaeLikelihood>().Select(l => $"'{Name(l)}'"))}.");
    }

    /// <summary>The key holding the scales of <paramref name="likelihood"/>; null for Bernoulli, which has none.</summary>
    public static string? ScaleKey(VaeLikelihood likelihood) => likelihood switch
    {
        VaeLikelihood.Bernoulli => null,
        VaeLikelihood.Gaussian => VaeContract.Metadata.GaussianSigma,
        _ => VaeContract.Metadata.LikelihoodScale,
    };

    /// <summary>
    /// The scales a model states for its likelihood: null when the likelihood has none, or the key is absent
    /// (a consumer that needs them says so, naming the key). A number counts for every channel; a JSON array
    /// must have one entry per channel of <paramref name="channels"/> (when known).
    /// </summary>
    /// <exception cref="InvalidDataException">Not a number or array of numbers, a value that is not finite and &gt; 0, or the wrong count; the message names the key.</exception>
    public static double[]? ParseScales(IReadOnlyDictionary<string, string> metadata, VaeLikelihood? likelihood, int? channels, string source)
    {
        if (likelihood is not { } l || ScaleKey(l) is not { } key || !metadata.TryGetValue(key, out var text))
            return null;
        string expected = $"expected a number > 0 or a JSON array of {(channels is { } c ? $"{c} numbers > 0, one per image channel" : "numbers > 0, one per image channel")}";
        double[] values;
        if (text.TrimStart().StartsWith('['))
        {
            try
            {
                values = JsonSerializer.Deserialize<double[]>(text) ?? [];
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"'{source}': metadata {key}='{Shorten(text)}' is not a JSON array of numbers ({e.Message}); {expected}.", e);
            }
            if (channels is { } count && values.Length != count)
                throw new InvalidDataException($"'{source}': metadata {key}='{Shorten(text)}' holds {values.Length} value(s) for a model of {count} channel(s); {expected}.");
            if (values.Length == 0)
                throw new InvalidDataException($"'{source}': metadata {key}='{Shorten(text)}' is empty; {expected}.");
        }
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double single))
        {
            values = [single];
        }
        else
        {
            throw new InvalidDataException($"'{source}': metadata {key}='{Shorten(text)}' is not a number; {expected}.");
        }
        for (int i = 0; i < values.Length; i++)
            if (!(values[i] > 0) || !double.IsFinite(values[i]))
                throw new InvalidDataException(
                    $"'{source}': metadata {key}='{Shorten(text)}' states {values[i].ToString("R", CultureInfo.InvariantCulture)}{(values.Length > 1 ? $" for channel {i}" : "")}; {expected}.");
        return values;
    }

    /// <summary>
    /// The metadata text of <paramref name="scales"/>: a Gaussian's single σ as a plain number (the v1 form,
    /// which older readers still load), any other list as a JSON array.
    /// </summary>
    public static string FormatScales(VaeLikelihood likelihood, IReadOnlyList<double> scales)
    {
        ArgumentNullException.ThrowIfNull(scales);
        if (likelihood == VaeLikelihood.Gaussian && scales.Count == 1)
            return Number(scales[0]);
        return "[" + string.Join(",", scales.Select(Number)) + "]";
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
