using System.Diagnostics;
using Microsoft.ML;
using Spectre.Console;
using Vae.Cli;

namespace Vae.Cli.Demo;

/// <summary>
/// Runs the demo's steps in order — train and export, featurize, classify, cluster, detect anomalies,
/// report — showing progress on <see cref="IAnsiConsole"/> and writing everything under the output folder.
/// </summary>
internal sealed class DemoRunner
{
    private readonly IAnsiConsole _console;

    /// <summary>A runner that reports to <paramref name="console"/>.</summary>
    public DemoRunner(IAnsiConsole console) => _console = console ?? throw new ArgumentNullException(nameof(console));

    /// <summary>Runs every step; returns the report, or null when cancelled during training (a checkpoint is kept).</summary>
    public DemoReport? Run(DemoOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validated();
        var clock = Stopwatch.StartNew();
        string outDir = Directory.CreateDirectory(options.OutputDirectory).FullName;
        string modelDir = Path.Combine(outDir, "model"), anomalyDir = Path.Combine(outDir, "anomaly-model"), figureDir = outDir;

        Step("0. Data");
        var data = DemoData.Load(options, line => _console.MarkupLine(Markup.Escape(line)));
        _console.MarkupLine(Markup.Escape(data.Description));
        // No likelihood given: the trainer's default for the channels (Bernoulli for gray, the discretized logistic for RGB).
        options = options with { Likelihood = options.Likelihood ?? Vae.Training.TrainOptions.DefaultLikelihood(data.Train.Channels) };
        if (options.ImagesDirectory != null)
        {
            // A folder's classes set KMeans' k; the held-out anomaly class must be one of them.
            int classes = Math.Max(data.Train.ClassNames.Count, data.Train.Labels.Max() + 1);
            if (options.AnomalyClass >= classes)
                throw new ArgumentException($"--anomaly-class {options.AnomalyClass}: {options.ImagesDirectory} has {classes} classes (0..{classes - 1}).");
            options = options with { Clusters = classes };
        }

        Step("1. Train a VAE and export vae.onnx + decoder.onnx");
        var vae = TrainVaeStep.Run(_console, options, data, modelDir, figures: true, cancellationToken);
        if (vae == null) return Cancelled(modelDir);
        var figures = new Dictionary<string, string>();
        foreach (var figure in vae.Figures)
        {
            string target = Path.Combine(figureDir, Path.GetFileName(figure));
            File.Copy(figure, target, overwrite: true);
            figures[Path.GetFileNameWithoutExtension(figure)] = target;
        }

        var ml = new MLContext(options.Seed);
        var trainView = DemoDataView.Create(ml, data.Train);
        var testView = DemoDataView.Create(ml, data.Test);

        Step("2. ML.NET featurizer: images → μ, σ");
        var features = Status("featurizing with vae.onnx", () => FeaturizeStep.Run(ml, vae.VaeModelPath, trainView, testView));
        figures["latent"] = DemoFigures.WriteLatentScatter(figureDir, features.TestMu, data.Test, options.ScatterPoints, options.Seed);

        Step("3. Classification: μ vs raw pixels");
        var classifiers = Status("LbfgsMaximumEntropy", () => new[]
        {
            ClassificationStep.Run(ml, features.Train, features.Test, FeaturizeStep.Mu, "VAE μ"),
            ClassificationStep.Run(ml, features.Train, features.Test, DemoDataView.Pixels, "raw pixels"),
        });

        Step("4. Clustering: KMeans on μ, on UMAP of μ, and on raw pixels");
        var clusterings = new List<ClusteringResult> { Status("KMeans on μ", () => ClusteringStep.Run(features.Train, features.Test, FeaturizeStep.Mu, "VAE μ", options)) };
        if (options.UmapNeighbors > 0)
            clusterings.Add(Status("UMAP of μ, then KMeans", () => ClusteringStep.RunOnUmap(features.Train, features.Test, FeaturizeStep.Mu, "UMAP of VAE μ", options)));
        clusterings.Add(Status("KMeans on raw pixels", () => ClusteringStep.Run(features.Train, features.Test, DemoDataView.Pixels, "raw pixels", options)));

        string anomalyName = DemoFigures.Name(data.Test, options.AnomalyClass);
        Step($"5. Anomaly detection: class {options.AnomalyClass} ({anomalyName}) held out");
        var anomaly = AnomalyStep.Run(_console, ml, options, data, anomalyDir, cancellationToken);
        if (anomaly == null) return Cancelled(anomalyDir);
        figures["roc"] = DemoFigures.WriteRoc(figureDir, anomaly.Detectors, anomalyName);
        figures["heatmap"] = DemoFigures.WriteAnomalyHeatmap(figureDir, anomaly.Vae.VaeModelPath, data.Test, options.AnomalyClass);

        Step("6. Report");
        var report = new DemoReport(options, data.Description, data.Train.Count, data.Test.Count,
            TrainVaeStep.Architecture(options, data.Train).ToString(), vae, features.Seconds, classifiers, clusterings,
            anomalyName, anomaly.AnomalyTestCount, anomaly.Vae, anomaly.Detectors, figures, clock.Elapsed.TotalSeconds);
        string path = ReportWriter.Write(outDir, report);
        _console.Write(ReportWriter.SummaryTable(report));
        _console.MarkupLine(Markup.Escape($"Report: {path}"));
        return report;
    }

    private void Step(string title) => _console.Write(new Rule(Markup.Escape(title)).LeftJustified());

    private T Status<T>(string what, Func<T> work)
    {
        T result = default!;
        _console.Status().Start(Markup.Escape(what + "..."), _ => result = work());
        return result;
    }

    private DemoReport? Cancelled(string folder)
    {
        _console.MarkupLine(Markup.Escape($"Demo stopped; the training checkpoint is in {folder}."));
        return null;
    }
}
