using System.IO.Compression;
using Vae.Reliability.Tests.Support;
using Vae.Training;

namespace Vae.Reliability.Tests;

/// <summary>
/// SIGTERM (what <c>docker stop</c>, systemd and Kubernetes send) stops <c>vae train</c> like Ctrl+C: after the current
/// batch, with a checkpoint that resumes, exit code 130 and no half-made export.
/// </summary>
[Collection(MeasuredCollection.Name)]
public sealed class StopSignalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("reliab-sigterm-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Sigterm_saves_a_checkpoint_and_exits_as_interrupted()
    {
        string output = Path.Combine(_folder, "run");
        // Enough epochs that the run cannot finish between the first epoch line and the signal.
        using var child = new TrainerProcess(["train", "--limit", "2000", "--epochs", "500", "--hidden", "64", "--latent", "2",
            "--batch-size", "32", "--threads", "1", "--seed", "3", "--out", output]);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (child.LastEpochPrinted < 1 && DateTime.UtcNow < deadline && !child.WaitForExit(TimeSpan.FromMilliseconds(50))) { }
        Assert.True(child.LastEpochPrinted >= 1, "no epoch finished: " + child.Log);

        child.Signal("TERM");
        Assert.True(child.WaitForExit(TimeSpan.FromMinutes(1)), "SIGTERM did not stop the run: " + child.Log);
        Assert.True(child.ExitCode == 130, $"exit code {child.ExitCode}: {child.Log}");
        Assert.Contains("SIGTERM: stopping after the current batch", child.Log, StringComparison.Ordinal);

        string checkpoint = Path.Combine(output, VaeTrainer.CheckpointFileName);
        using (var resumed = VaeTrainer.Resume(checkpoint))
        {
            Assert.InRange(resumed.CompletedEpochs, child.LastEpochPrinted, 499);
        }
        Assert.False(File.Exists(Path.Combine(output, "vae.onnx")), "a stopped run must not export");
        Assert.Empty(Directory.GetFiles(output, "*.tmp*"));
    }
}
