using BenchmarkDotNet.Attributes;
using TorchSharp;
using Vae.Benchmarks.Baselines;
using Vae.Benchmarks.Shared;
using Vae.Training.Data;
using Vae.Training.Models;
using Vae.Training;
using static TorchSharp.torch;

namespace Vae.Benchmarks.Micro;

/// <summary>
/// Ten optimisation steps (MLP 784-400-20, batch 128, Bernoulli, 2 torch threads): the plain TorchSharp
/// loop (baseline), <see cref="VaeTrainer.TrainStep"/> in a loop, and <see cref="VaeTrainer.Train"/> over one
/// epoch of 1,280 images on a fresh trainer (built in the untimed iteration setup).
/// </summary>
[InvocationCount(1)] // Train runs one epoch per fresh trainer; each invocation is ~100 ms or more anyway.
public class TrainingBenchmarks
{
    private const int Steps = 10, BatchSize = 128;
    private static readonly VaeArchitecture Architecture = VaeArchitecture.Mlp();
    private static readonly TrainOptions Options = new() { Epochs = 1, BatchSize = BatchSize, Threads = 2, Seed = 5 };
    private ImageSet _data = null!;
    private PlainTorchSharpLoop _plain = null!;
    private VaeTrainer _stepTrainer = null!;
    private Generator _noise = null!;
    private VaeTrainer? _fresh;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(2);
        _data = BenchData.EmbeddedTest.Take(Steps * BatchSize);
        _plain = new PlainTorchSharpLoop(Architecture, _data, BatchSize, 1e-3, seed: 5);
        _stepTrainer = new VaeTrainer(Architecture, Options);
        _noise = new Generator(7);
    }

    [Benchmark(Baseline = true)]
    public long PlainLoop() => _plain.Run(Steps);

    [Benchmark]
    public long TrainerTrainStep()
    {
        for (int s = 0; s < Steps; s++)
        {
            using var batch = PlainTorchSharpLoop.Batch(_data, s, BatchSize);
            _stepTrainer.TrainStep(batch, _noise);
        }
        return Steps * BatchSize;
    }

    [IterationSetup(Target = nameof(TrainerTrain))]
    public void NewTrainer() => _fresh = new VaeTrainer(Architecture, Options);

    [Benchmark]
    public int TrainerTrain() => _fresh!.Train(_data).History.Count;

    [IterationCleanup(Target = nameof(TrainerTrain))]
    public void DisposeTrainer() => _fresh?.Dispose();

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _stepTrainer.Dispose();
        _noise.Dispose();
    }
}
