using Vae.MLNet.IO;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Vae.Training.Models;

namespace Vae.Training;

/// <summary>
/// Writes the per-epoch metrics as JSON (<c>{ architecture, options, epochs: [...] }</c>) and as CSV (one row
/// per epoch, invariant culture, round-trip number format; the per-channel likelihood scales in one cell,
/// separated by semicolons), both atomically.
/// </summary>
public static class MetricsLog
{
    /// <summary>The JSON document: architecture text, options and one object per epoch.</summary>
    /// <param name="Architecture">Architecture text, e.g. <c>mlp:400 1x28x28 k=20</c>.</param>
    /// <param name="Options">The run's settings.</param>
    /// <param name="Epochs">Metrics per epoch.</param>
    public sealed record Document(string Architecture, TrainOptions Options, IReadOnlyList<EpochMetrics> Epochs);

    /// <summary>Writes <paramref name="history"/> to <paramref name="jsonPath"/> and <paramref name="csvPath"/>.</summary>
    public static void Write(string jsonPath, string csvPath, VaeArchitecture architecture, TrainOptions options, IReadOnlyList<EpochMetrics> history)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(history);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(csvPath))!);
        AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(new Document(architecture.ToString(), options, history), TrainingJson.Options));
        AtomicFile.WriteAllText(csvPath, ToCsv(history, architecture.LatentDim));
    }

    /// <summary>Reads a JSON metrics log written by <see cref="Write"/>.</summary>
    public static Document ReadJson(string jsonPath)
    {
        try
        {
            return JsonSerializer.Deserialize<Document>(File.ReadAllText(jsonPath), TrainingJson.Options)
                ?? throw new InvalidDataException($"{jsonPath}: empty metrics log.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{jsonPath}: not a metrics log ({e.Message}).", e);
        }
    }

    /// <summary>The CSV header for a latent size of <paramref name="latentDim"/>.</summary>
    public static string CsvHeader(int latentDim)
    {
        var columns = new List<string>
        {
            "epoch", "train_reconstruction", "train_kl", "train_total",
            "validation_reconstruction", "validation_kl", "validation_total", "active_units",
            "kl_warmup_factor", "learning_rate", "gaussian_sigma", "likelihood_scales", "images_per_second", "seconds",
        };
        columns.AddRange(Enumerable.Range(0, latentDim).Select(i => $"train_kl_{i}"));
        columns.AddRange(Enumerable.Range(0, latentDim).Select(i => $"validation_kl_{i}"));
        columns.Add("warning");
        return string.Join(',', columns);
    }

    private static string ToCsv(IReadOnlyList<EpochMetrics> history, int latentDim)
    {
        var csv = new StringBuilder().Append(CsvHeader(latentDim)).Append('\n');
        foreach (var m in history)
        {
            var cells = new List<string>
            {
                m.Epoch.ToString(CultureInfo.InvariantCulture), Number(m.TrainReconstruction), Number(m.TrainKl), Number(m.TrainTotal),
                Number(m.ValidationReconstruction), Number(m.ValidationKl), Number(m.ValidationTotal),
                m.ActiveUnits?.ToString(CultureInfo.InvariantCulture) ?? "",
                Number(m.KlWarmupFactor), Number(m.LearningRate), Number(m.GaussianSigma),
                m.LikelihoodScales is { } scales ? string.Join(';', scales.Select(v => Number(v))) : "", Number(m.ImagesPerSecond), Number(m.Seconds),
            };
            for (int i = 0; i < latentDim; i++) cells.Add(i < m.TrainKlPerDimension.Count ? Number(m.TrainKlPerDimension[i]) : "");
            for (int i = 0; i < latentDim; i++) cells.Add(m.ValidationKlPerDimension is { } v && i < v.Count ? Number(v[i]) : "");
            cells.Add(Quote(m.Warning));
            csv.Append(string.Join(',', cells)).Append('\n');
        }
        return csv.ToString();
    }

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    // RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside.
    private static string Quote(string? text) =>
        text is null ? "" : text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
