using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Vae.MLNet;
using Vae.Training.Models;

namespace Vae.Training.Export;

/// <summary>The <c>metadata_props</c> of contract v1 (see <see cref="VaeContract.Metadata"/>), all numbers in invariant culture.</summary>
internal static class VaeExportMetadata
{
    /// <summary>"Vae.Training &lt;informational version&gt;".</summary>
    public static string Producer => $"{ProducerName} {ProducerVersion}";

    public const string ProducerName = "Vae.Training";

    public static string ProducerVersion =>
        typeof(VaeExportMetadata).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VaeExportMetadata).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    public static IReadOnlyList<KeyValuePair<string, string>> Build(VaeArchitecture architecture, VaeExportInfo info, MixturePrior? prior = null)
    {
        var entries = new List<KeyValuePair<string, string>>
        {
            new(VaeContract.Metadata.Contract, VaeContract.Version.ToString(CultureInfo.InvariantCulture)),
            new(VaeContract.Metadata.ImageShape, string.Create(CultureInfo.InvariantCulture, $"{architecture.Channels}x{architecture.Height}x{architecture.Width}")),
            new(VaeContract.Metadata.LatentDim, architecture.LatentDim.ToString(CultureInfo.InvariantCulture)),
            new(VaeContract.Metadata.Likelihood, LikelihoodMetadata.Name(info.Likelihood)),
        };
        if (info.ScalesFor(architecture.Channels) is { } scales)
            entries.Add(new(LikelihoodMetadata.ScaleKey(info.Likelihood)!, LikelihoodMetadata.FormatScales(info.Likelihood, scales)));
        if (architecture.Channels is 1 or 3)
        {
            var preprocessing = info.Preprocessing
                ?? new VaeImagePreprocessing { ColorMode = architecture.Channels == 1 ? VaeColorMode.Grayscale : VaeColorMode.Rgb };
            if (preprocessing.Channels != architecture.Channels)
                throw new ArgumentException($"The preprocessing makes {preprocessing.Channels}-channel images, but the network takes {architecture.Channels}.");
            entries.Add(new(VaeContract.Metadata.Preprocessing, preprocessing.ToJson()));
        }
        entries.Add(new(VaeContract.Metadata.Beta, Number(info.Beta)));
        entries.Add(new(VaeContract.Metadata.Architecture, architecture.ToString()));
        if (prior != null)
            entries.Add(new(VaeContract.Metadata.Prior, MixturePriorComponents.From(prior).ToJson()));
        entries.Add(new(VaeContract.Metadata.TrainErrorQuantiles, QuantilesJson(info.ErrorQuantiles)));
        entries.Add(new(VaeContract.Metadata.TrainDataset, info.Dataset));
        entries.Add(new(VaeContract.Metadata.Producer, Producer));
        return entries;
    }

    /// <summary>{"0.5": 123.4, "0.9": …} with keys in increasing probability.</summary>
    public static string QuantilesJson(IReadOnlyDictionary<double, double> quantiles)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (p, value) in quantiles.OrderBy(q => q.Key))
                json.WriteNumber(Number(p), value); // System.Text.Json writes numbers culture-invariant, round-trippable
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
