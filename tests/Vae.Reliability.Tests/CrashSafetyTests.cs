using System.Diagnostics;
using System.IO.Compression;
using Vae.Reliability.Tests.Support;
using Vae.Training;

namespace Vae.Reliability.Tests;

/// <summary>
/// `vae train` killed with SIGKILL at random times (mid-epoch, while writing the checkpoint, while
/// exporting) always leaves a checkpoint that loads (old or new, never torn), never loses more than the
/// unfinished epoch, and a chain of killed-and-resumed runs ends with exactly the weights of an
/// uninterrupted run with the same seed.
/// </summary>
[Trait("Category", "Crash")]
[Collection(MeasuredCollection.Name)]
public sealed class CrashSafetyTests : IDisposable
{
    private const int Epochs = 12;
    private readonly ITestOutputHelper _output;
    private readonly string _folder = Directory.CreateTempSubdirectory("reliab-crash-").FullName;

    public CrashSafetyTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>CI kills the trainer this many times; VAE_CRASH_KILLS raises it for a long run.</summary>
    private static int Kills => int.TryParse(Environment.GetEnvironmentVariable("VAE_CRASH_KILLS"), out int n) && n > 0 ? n : 5;

    /// <summary>An IDX folder with the first <paramref name="count"/> t10k images and labels (uncompressed).</summary>
    private string WriteIdxSubset(int count)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_folder, "data")).FullName;
        string source = Path.Combine(Data.RepoRoot, "data", "fashion-mnist");
        byte[] images = Gunzip(Path.Combine(source, "t10k-images-idx3-ubyte.gz"));
        byte[] labels = Gunzip(Path.Combine(source, "t10k-labels-idx1-ubyte.gz"));
        File.WriteAllBytes(Path.Combine(dir, "t10k-images-idx3-ubyte"), [.. Header(2051, count, 28, 28), .. images.AsSpan(16, count * 784)]);
        File.WriteAllBytes(Path.Combine(dir, "t10k-labels-idx1-ubyte"), [.. Header(2049, count), .. labels.AsSpan(8, count)]);
        return dir;
    }

    private static byte[] Header(params int[] words) =>
        words.SelectMany(w => new[] { (byte)(w >> 24), (byte)(w >> 16), (byte)(w >> 8), (byte)w }).ToArray();

    private static byte[] Gunzip(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gz.CopyTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>Every network parameter of the checkpoint, as raw float bits in declaration order.</summary>
    private static (int Epochs, List<(string Name, float[] Values)> Parameters) ReadCheckpoint(string path)
    {
        using var trainer = VaeTrainer.Resume(path);
        var parameters = trainer.Network.named_parameters().Select(p => (p.name, p.parameter.detach().cpu().data<float>().ToArray())).ToList();
        return (trainer.CompletedEpochs, parameters);
    }

    /// <summary>Polls for a checkpoint temp file and kills the child the moment one exists; false when the child exits first.</summary>
    private static bool KillDuringWrite(TrainerProcess child, string directory, TimeSpan timeout)
    {
        string pattern = $".{VaeTrainer.CheckpointFileName}.*.tmp";
        var earlier = Directory.Exists(directory) ? Directory.GetFiles(directory, pattern).ToHashSet() : [];
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Directory.Exists(directory) && Directory.EnumerateFiles(directory, pattern).Any(f => !earlier.Contains(f)))
                return true; // the caller kills at once
            if (child.WaitForExit(TimeSpan.Zero)) return false;
            Thread.SpinWait(1000);
        }
        return false;
    }

    /// <summary>Waits until the child reported <paramref name="epoch"/> epochs done; false when it exits first.</summary>
    private static bool WaitForEpoch(TrainerProcess child, int epoch, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (child.LastEpochPrinted < epoch && clock.Elapsed < timeout)
            if (child.WaitForExit(TimeSpan.FromMilliseconds(2))) return false;
        return child.LastEpochPrinted >= epoch;
    }

    [Fact]
    public void Killed_training_leaves_a_loadable_checkpoint_and_resuming_reaches_the_uninterrupted_weights()
    {
        string data = WriteIdxSubset(600);
        string[] common = ["train", "--data", data, "--epochs", $"{Epochs}", "--hidden", "256", "--latent", "4", "--batch-size", "64", "--threads", "1", "--seed", "5"];
        var clock = Stopwatch.StartNew();

        string referenceDir = Path.Combine(_folder, "reference");
        TimeSpan startup, perEpoch;
        using (var reference = new TrainerProcess([.. common, "--out", referenceDir]))
        {
            Assert.True(reference.WaitForExit(TimeSpan.FromMinutes(3)), "the uninterrupted run did not finish");
            Assert.True(reference.ExitCode == 0, reference.Log);
            var times = reference.EpochTimes;
            Assert.True(times.Count >= Epochs, reference.Log);
            perEpoch = TimeSpan.FromTicks(Math.Max((times[Epochs - 1] - times[0]).Ticks / (Epochs - 1), TimeSpan.FromMilliseconds(20).Ticks));
            startup = times[0] - perEpoch;
        }
        var (referenceEpochs, expected) = ReadCheckpoint(Path.Combine(referenceDir, VaeTrainer.CheckpointFileName));
        Assert.Equal(Epochs, referenceEpochs);
        var uninterrupted = clock.Elapsed;

        // Chains of runs: start, SIGKILL at a random point, resume from whatever is on disk, ... until a run
        // finishes; then its weights must equal the uninterrupted run's. Repeat until enough kills.
        var random = new Random(2026);
        int kills = 0, runs = 0, chains = 0, midWrite = 0;
        long compared = 0;
        var killLog = new List<string>();
        while (kills < Kills)
        {
            string chainDir = Path.Combine(_folder, $"chain{++chains}");
            string checkpoint = Path.Combine(chainDir, VaeTrainer.CheckpointFileName);
            int lastEpochs = 0, leftoverTemps = 0;
            while (true)
            {
                Assert.True(++runs < 4 * Kills + 10, "the chains do not finish");
                string[] resume = File.Exists(checkpoint) ? ["--resume", checkpoint] : [];
                using var child = new TrainerProcess([.. common, "--out", chainDir, .. resume]);
                // Odd kills wait for a checkpoint write to begin (its temp file appears) and kill inside it; even kills
                // wait until a random epoch has been reported, then kill a random fraction of an epoch later (mid-epoch,
                // or in startup / export when the target is the first or the last epoch).
                bool inWrite = kills % 2 == 1;
                int target = random.Next(lastEpochs, Epochs + 1);
                var extra = perEpoch * random.NextDouble();
                string when = inWrite ? "at a checkpoint write" : $"{extra.TotalMilliseconds:F0} ms after epoch {target} was reported";
                bool killNow = kills < Kills && (inWrite
                    ? KillDuringWrite(child, chainDir, TimeSpan.FromSeconds(60))
                    : WaitForEpoch(child, target, TimeSpan.FromSeconds(60)) && !child.WaitForExit(extra));
                if (killNow)
                {
                    int printed = child.LastEpochPrinted;
                    child.KillNow();
                    kills++;
                    // Never torn: the checkpoint, when there is one, loads; and it holds every epoch reported done.
                    int onDisk = File.Exists(checkpoint) ? ReadCheckpoint(checkpoint).Epochs : 0;
                    Assert.True(onDisk >= printed, $"kill #{kills}: the child reported epoch {printed} finished but the checkpoint holds {onDisk}");
                    Assert.True(onDisk >= lastEpochs, $"kill #{kills}: the checkpoint went back from {lastEpochs} to {onDisk} epochs");
                    int temps = Directory.Exists(chainDir) ? Directory.GetFiles(chainDir, ".*.tmp").Length : 0;
                    if (temps > leftoverTemps) midWrite++;
                    killLog.Add($"chain {chains}, kill #{kills} {when}: reported {printed} epochs done, checkpoint holds {onDisk}" +
                        (temps > leftoverTemps ? " (killed mid-write: temp file left, checkpoint intact)" : ""));
                    (leftoverTemps, lastEpochs) = (temps, onDisk);
                    continue;
                }
                Assert.True(child.WaitForExit(TimeSpan.FromMinutes(3)), "a resumed run did not finish");
                Assert.True(child.ExitCode == 0, child.Log);
                break;
            }

            var (finalEpochs, actual) = ReadCheckpoint(checkpoint);
            Assert.Equal(Epochs, finalEpochs);
            Assert.Equal(expected.Select(p => p.Name), actual.Select(p => p.Name));
            for (int i = 0; i < expected.Count; i++)
            {
                int differing = expected[i].Values.Zip(actual[i].Values).Count(p => BitConverter.SingleToInt32Bits(p.First) != BitConverter.SingleToInt32Bits(p.Second));
                Assert.True(differing == 0, $"chain {chains}: {differing} values of {expected[i].Name} differ from the uninterrupted run");
                compared += expected[i].Values.Length;
            }
        }

        foreach (var line in killLog) _output.WriteLine(line);
        _output.WriteLine($"uninterrupted run {uninterrupted.TotalSeconds:F1} s (startup {startup.TotalSeconds:F1} s, {perEpoch.TotalMilliseconds:F0} ms/epoch); {kills} SIGKILLs over {runs} runs in {chains} chains, {midWrite} mid-write; " +
            $"every chain ended bit-identical to the uninterrupted run ({compared} parameter values compared); total {clock.Elapsed.TotalSeconds:F1} s");
    }
}
