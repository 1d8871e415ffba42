using System.Globalization;
using Spectre.Console;
using Vae.Training;

namespace Vae.Cli;

/// <summary>
/// Shows a training run as a Spectre.Console progress bar whose label carries the running
/// reconstruction and KL terms separately, and prints one line per finished epoch.
/// </summary>
internal sealed class TrainingProgressView
{
    private readonly IAnsiConsole _console;

    public TrainingProgressView(IAnsiConsole console) => _console = console;

    /// <summary>Runs <paramref name="train"/> with a live bar; <paramref name="train"/> receives the progress sink.</summary>
    public T Run<T>(string title, Func<IProgress<TrainProgress>, T> train)
    {
        T result = default!;
        _console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1);
                result = train(new Sink(this, task));
                task.Value = task.MaxValue;
            });
        return result;
    }

    private void OnProgress(ProgressTask task, TrainProgress p)
    {
        double total = (double)p.Epochs * Math.Max(1, p.BatchesPerEpoch);
        task.MaxValue = total;
        task.Value = Math.Min(total, (p.Epoch - 1) * (double)p.BatchesPerEpoch + p.Batch);
        task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"epoch {p.Epoch}/{p.Epochs}  recon {p.Reconstruction,8:F2}  KL {p.Kl,7:F2}"));
        if (p.CompletedEpoch is { } m)
            _console.MarkupLine(Markup.Escape(EpochLine(m)));
    }

    /// <summary>One line summarising an epoch: both loss terms for train and validation, active units, speed.</summary>
    public static string EpochLine(EpochMetrics m)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"epoch {m.Epoch,3}: train recon {m.TrainReconstruction:F2} KL {m.TrainKl:F2} −ELBO {m.TrainTotal:F2}");
        if (m.ValidationTotal is { } total)
            line += string.Create(CultureInfo.InvariantCulture, $" | validation recon {m.ValidationReconstruction:F2} KL {m.ValidationKl:F2} −ELBO {total:F2}");
        if (m.ActiveUnits is { } active) line += string.Create(CultureInfo.InvariantCulture, $" | active units {active}");
        line += string.Create(CultureInfo.InvariantCulture, $" | {m.ImagesPerSecond:F0} img/s");
        if (m.Warning != null) line += $" | warning: {m.Warning}";
        return line;
    }

    // Reports arrive on the training thread; Spectre's task updates are thread-safe, so no posting is needed.
    private sealed class Sink(TrainingProgressView view, ProgressTask task) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => view.OnProgress(task, value);
    }
}
