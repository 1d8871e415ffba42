using System.Globalization;
using System.Text.Json;
using Vae.Benchmarks.Shared;

namespace Vae.Benchmarks.Report;

/// <summary>
/// The <c>--report</c> mode: runs every measurement in this one process (each ratio against a baseline
/// timed in the same run, interleaved) and prints ONE JSON object on stdout; progress goes to stderr.
/// </summary>
internal static class RatioReport
{
    /// <summary>Runs the report; returns the process exit code.</summary>
    public static int Run(IReadOnlyList<string> args)
    {
        ReportOptions o;
        try
        {
            o = ReportOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        var report = new Dictionary<string, object?>
        {
            ["machine"] = new { processor_count = Environment.ProcessorCount, load_average_at_start = LoadAverage(), started_utc = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture) },
        };
        string models = BenchModels.TempDirectory();
        try
        {
            if (!o.SkipThroughput)
            {
                Progress("training throughput (MLP)…");
                report["training"] = TrainingThroughput.Measure(o);
                var featurization = new Dictionary<string, object>();
                var latency = new Dictionary<string, object>();
                foreach (string name in BenchModels.Architectures.Keys)
                {
                    Progress($"exporting {name} (random init)…");
                    string onnx = BenchModels.ExportRandom(name, Path.Combine(models, name));
                    Progress($"featurization throughput ({name})…");
                    featurization[name] = FeaturizationThroughput.Measure(o, name, onnx);
                    Progress($"PredictionEngine latency ({name})…");
                    latency[name] = PredictionLatency.Measure(o, name, onnx);
                }
                report["featurization"] = featurization;
                report["prediction_engine"] = latency;
            }
            if (o.FromFiles)
                report["featurize_from_files"] = FilesFeaturizationThroughput.Measure(o, models, Progress);
            if (o.Quality)
                report["quality"] = QualityReport.Measure(o, models, Progress);
            if (o.OneClass)
                report["one_class"] = OneClassReport.Measure(o, models, Progress);
            if (o.ColourDirectory != null)
                report["colour"] = ColourReport.Measure(o, models, Progress);
            if (o.OneClassValidationDirectory is { } dump)
                report["one_class_validation"] = OneClassValidationDump.Measure(o, dump, models, Progress);
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }
        report["machine_at_end"] = new { load_average = LoadAverage(), finished_utc = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture) };
        Console.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
        return 0;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    /// <summary>/proc/loadavg's 1/5/15-minute averages: how contended the shared machine was.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
