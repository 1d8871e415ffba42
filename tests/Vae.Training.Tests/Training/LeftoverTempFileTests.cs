using Vae.Training;

namespace Vae.Training.Tests.Training;

/// <summary>A run killed mid-write leaves temp files beside the checkpoint; the next run in that folder removes them.</summary>
public sealed class LeftoverTempFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("leftovers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TrainingRemovesTempFilesOfItsOwnOutputsOnly()
    {
        string checkpointLeftover = Path.Combine(_dir, $".{VaeTrainer.CheckpointFileName}.{Guid.NewGuid():N}.tmp");
        string metricsLeftover = Path.Combine(_dir, $".{VaeTrainer.MetricsJsonFileName}.{Guid.NewGuid():N}.tmp");
        string unrelated = Path.Combine(_dir, ".notes.txt.1234.tmp");
        foreach (string file in new[] { checkpointLeftover, metricsLeftover, unrelated })
            File.WriteAllText(file, "half-written");

        using var trainer = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 1, output: _dir));
        trainer.Train(TinyTraining.Train);

        Assert.False(File.Exists(checkpointLeftover));
        Assert.False(File.Exists(metricsLeftover));
        Assert.True(File.Exists(unrelated), "a temp file of another file was deleted");
        Assert.True(File.Exists(Path.Combine(_dir, VaeTrainer.CheckpointFileName)));
        Assert.Empty(Directory.GetFiles(_dir, $".{VaeTrainer.CheckpointFileName}.*.tmp"));
    }
}
