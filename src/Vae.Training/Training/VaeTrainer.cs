using Vae.MLNet.IO;
using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Export;
using Vae.Training.Models;
using static TorchSharp.torch;

namespace Vae.Training;

/// <summary>
/// Trains a <see cref="VaeNetwork"/> with Adam on an <see cref="ImageSet"/>, epoch by epoch, logging
/// reconstruction and KL separately. All randomness derives from (seed, epoch): initial weights, the
/// shuffle of each epoch and the reparameterisation noise — so the same seed gives bit-identical weights and
/// <see cref="Resume"/> continues exactly where a checkpoint stopped. With an output folder, a checkpoint
/// and the metrics log are written atomically after every epoch (and on cancellation).
/// </summary>
public sealed class VaeTrainer : IDisposable
{
    /// <summary>Checkpoint file name inside <see cref="TrainOptions.OutputDirectory"/>.</summary>
    public const string CheckpointFileName = "checkpoint.vaeckpt";
    /// <summary>
    /// The learned per-channel scales (<see cref="VaeLoss.LogScale"/>: σ_c, b_c, s_c) take their Adam steps at this
    /// multiple of the learning rate (and of its schedule). Adam moves a parameter by about the learning rate per
    /// step, so at 10⁻³ a log-scale needs a thousand steps to travel from its start (0.1) to a fitted 0.04; the
    /// network's weights keep the rate itself, and so does the older one-σ <see cref="VaeLoss.LogSigma"/>, whose
    /// checkpoints resume as they were written.
    /// </summary>
    public const double ScaleLearningRateFactor = 10;
    /// <summary>JSON metrics log file name inside <see cref="TrainOptions.OutputDirectory"/>.</summary>
    public const string MetricsJsonFileName = "metrics.json";
    /// <summary>CSV metrics log file name inside <see cref="TrainOptions.OutputDirectory"/>.</summary>
    public const string MetricsCsvFileName = "metrics.csv";

    private readonly Adam _optimizer;
    private readonly List<EpochMetrics> _history = new();
    private TrainingCheckpoint.PartialEpoch? _partial;
    private (int Count, double PixelSum)? _continuedRunData;
    private string? _lastCheckpoint;

    /// <summary>Builds a freshly initialised network (weights drawn from the seed) and its optimiser.</summary>
    public VaeTrainer(VaeArchitecture architecture, TrainOptions options) : this(architecture, options, initialise: true)
    {
    }

    private VaeTrainer(VaeArchitecture architecture, TrainOptions options, bool initialise)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(options);
        Architecture = architecture.Validated();
        Options = options.Validated().ForChannels(Architecture.Channels);
        if (Architecture.PriorComponents > 0 && Options.PriorInitEpochs >= Options.Epochs)
            throw new ArgumentException(
                $"TrainOptions.PriorInitEpochs ({Options.PriorInitEpochs}) must be below Epochs ({Options.Epochs}) with a {Architecture.PriorComponents}-component mixture prior: " +
                "its components are placed after PriorInitEpochs epochs, so this run would never use them. Train more epochs, lower PriorInitEpochs (--prior-init-epochs), or use the N(0, I) prior (--prior-components 0).",
                nameof(options));
        Network = new VaeNetwork(Architecture);
        if (initialise)
        {
            using var generator = new Generator(SeedMixer.Mix(Options.Seed, 0, SeedMixer.Stream.Initialisation), CPU);
            ParameterInitializer.Reset(Network, generator);
        }
        Loss = new VaeLoss(Options.Likelihood!.Value, Options.Beta, Options.FreeBits, Options.GaussianSigma, Options.LearnGaussianSigma, Network.Prior,
            Architecture.Channels, Options.LearnGaussianSigmaPerChannel, Options.LikelihoodScale);
        // PyTorch's Adam defaults, spelled out: TorchSharp's torch.optim.Adam factory defaults β₂ to 0.99.
        _optimizer = Loss.LogScale is { } logScale
            ? new Adam(
                [
                    new Adam.ParamGroup(Network.parameters(), lr: Options.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8),
                    new Adam.ParamGroup([logScale], lr: Options.LearningRate * ScaleLearningRateFactor, beta1: 0.9, beta2: 0.999, eps: 1e-8),
                ], Options.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8)
            : new Adam(Network.parameters().Concat(Loss.Parameters()), Options.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8);
    }

    /// <summary>The network being trained (owned by the trainer).</summary>
    public VaeNetwork Network { get; }
    /// <summary>Its layer layout.</summary>
    public VaeArchitecture Architecture { get; }
    /// <summary>The run's settings.</summary>
    public TrainOptions Options { get; }
    /// <summary>The loss (likelihood, β, free bits, learned σ).</summary>
    public VaeLoss Loss { get; }
    /// <summary>Fully completed epochs.</summary>
    public int CompletedEpochs { get; private set; }
    /// <summary>Metrics of every completed epoch.</summary>
    public IReadOnlyList<EpochMetrics> History => _history;

    /// <summary>
    /// Reopens a checkpoint written by this trainer, ready to continue with <see cref="Train"/>. Only
    /// <see cref="TrainOptions.Epochs"/>, <see cref="TrainOptions.LearningRate"/>, <see cref="TrainOptions.Threads"/>,
    /// <see cref="TrainOptions.OutputDirectory"/>, <see cref="TrainOptions.EvaluationBatchSize"/>,
    /// <see cref="TrainOptions.ProgressInterval"/> and <see cref="TrainOptions.Prefetch"/> (it does not change the batches)
    /// may be changed by <paramref name="changeOptions"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not an intact checkpoint (message names it).</exception>
    public static VaeTrainer Resume(string checkpointPath, Func<TrainOptions, TrainOptions>? changeOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        var (state, networkBytes, optimizerBytes) = TrainingCheckpoint.Load(checkpointPath);
        TrainOptions saved, options;
        VaeArchitecture architecture;
        try
        {
            saved = state.Options.Validated();
            architecture = state.Architecture.ToArchitecture();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{checkpointPath}: checkpoint holds invalid settings ({e.Message}).", e);
        }
        options = (changeOptions?.Invoke(saved) ?? saved).Validated();
        var unchangeable = options with
        {
            Epochs = saved.Epochs, LearningRate = saved.LearningRate, Threads = saved.Threads, OutputDirectory = saved.OutputDirectory,
            EvaluationBatchSize = saved.EvaluationBatchSize, ProgressInterval = saved.ProgressInterval, Prefetch = saved.Prefetch,
        };
        if (unchangeable != saved)
            throw new ArgumentException(
                $"Resuming {checkpointPath}: only Epochs, LearningRate, Threads, OutputDirectory, EvaluationBatchSize, ProgressInterval and Prefetch may change; saved {saved}, requested {options}.",
                nameof(changeOptions));

        var trainer = new VaeTrainer(architecture, options, initialise: false);
        try
        {
            trainer.Restore(state, networkBytes, optimizerBytes, checkpointPath);
            return trainer;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            trainer.Dispose();
            if (e is InvalidDataException && e.Message.StartsWith(checkpointPath, StringComparison.Ordinal)) throw;
            throw new InvalidDataException($"{checkpointPath}: checkpoint weights or optimiser state do not load ({e.Message}).", e);
        }
    }

    private void Restore(TrainingCheckpoint.State state, byte[] networkBytes, byte[] optimizerBytes, string path)
    {
        using (var stream = new MemoryStream(networkBytes))
            Network.load(stream, strict: true);
        using (var reader = new BinaryReader(new MemoryStream(optimizerBytes)))
            _optimizer.load_state_dict(reader);
        SetLearningRate(Options.LearningRate);
        if ((state.LogSigma is null) != (Loss.LogSigma is null))
            throw new InvalidDataException($"{path}: learned σ is {(state.LogSigma is null ? "missing" : "present")} but the options say LearnGaussianSigma={Options.LearnGaussianSigma}.");
        if (state.LogSigma is float logSigma)
        {
            using var noGrad = torch.no_grad();
            using var value = torch.tensor(logSigma);
            Loss.LogSigma!.copy_(value);
        }
        if ((state.LogScales is null) != (Loss.LogScale is null))
            throw new InvalidDataException(
                $"{path}: the learned per-channel scales are {(state.LogScales is null ? "missing" : "present")} but the {Loss.Likelihood} likelihood " +
                $"(LearnGaussianSigmaPerChannel={Options.LearnGaussianSigmaPerChannel}) {(Loss.LogScale is null ? "learns none" : "learns them")}.");
        if (state.LogScales is { } logScales)
        {
            if (logScales.Count != Loss.Channels || logScales.Any(v => !float.IsFinite(v)))
                throw new InvalidDataException($"{path}: logScales holds [{string.Join(", ", logScales)}]; expected {Loss.Channels} finite values, one per channel.");
            using var noGrad = torch.no_grad();
            using var value = torch.tensor(logScales.ToArray());
            Loss.LogScale!.copy_(value);
        }
        if (state.CompletedEpochs < 0 || state.CompletedEpochs != state.History.Count)
            throw new InvalidDataException($"{path}: {state.CompletedEpochs} completed epochs but {state.History.Count} history entries.");
        _history.AddRange(state.History);
        CompletedEpochs = state.CompletedEpochs;
        _partial = state.Partial;
        _continuedRunData = (state.TrainImages, state.TrainPixelSum);
        _lastCheckpoint = Path.GetFullPath(path);
    }

    /// <summary>
    /// Trains until <see cref="TrainOptions.Epochs"/> epochs are complete, or until
    /// <paramref name="cancellationToken"/> fires — then it stops after the current batch, writes a
    /// checkpoint (if there is an output folder) from which <see cref="Resume"/> continues exactly, and
    /// returns with <see cref="TrainResult.Cancelled"/> set.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite; the last good checkpoint is kept.</exception>
    public TrainResult Train(ImageSet train, ImageSet? validation = null, IProgress<TrainProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        CheckInput(train, nameof(train));
        if (validation != null) CheckInput(validation, nameof(validation));
        double pixelSum = PixelSum(train);
        if (_continuedRunData is { } data && (data.Count != train.Count || data.PixelSum != pixelSum))
            throw new InvalidOperationException(
                $"{train.Source}: the run being continued was trained on {data.Count} images with pixel sum {data.PixelSum:R}; this set has {train.Count} images with pixel sum {pixelSum:R}. Resume needs the same training data.");
        if (Options.Threads is int threads) torch.set_num_threads(threads);
        // A run killed while writing (SIGKILL, power loss) leaves its temp files; this run owns them now.
        foreach (string? owned in new[] { OutputPath(CheckpointFileName), OutputPath(MetricsJsonFileName), OutputPath(MetricsCsvFileName) })
            if (owned != null) AtomicFile.DeleteLeftovers(owned);

        Network.train();
        // Augmentation (training batches only) and prefetch; validation goes through Evaluate, which never augments.
        using var loader = new BatchLoader(train, Options.BatchSize, Options.Prefetch, ImageAugmentation.For(train, Options));
        bool cancelled = false;
        while (CompletedEpochs < Options.Epochs && !cancelled)
            cancelled = !RunEpoch(train, validation, loader, pixelSum, progress, cancellationToken);

        return new TrainResult(Network, Architecture, Options, _history.ToList(), GaussianSigmaOrNull(), cancelled,
            _lastCheckpoint, OutputPath(MetricsJsonFileName) is { } json && File.Exists(json) ? json : null,
            OutputPath(MetricsCsvFileName) is { } csv && File.Exists(csv) ? csv : null)
        { LikelihoodScales = PerChannelScalesOrNull() };
    }

    /// <summary>
    /// Writes <c>vae.onnx</c> and <c>decoder.onnx</c> of the network as it is now (e.g. after <see cref="Resume"/>)
    /// into <paramref name="directory"/>; error quantiles are measured on <paramref name="trainImages"/>.
    /// </summary>
    public VaeOnnxFiles Export(string directory, ImageSet trainImages) =>
        ModelExport.Export(Network, Loss.Likelihood, GaussianSigmaOrNull(), PerChannelScalesOrNull(), Options.Beta, trainImages, directory);

    /// <summary>Test −ELBO (reconstruction + KL), KL per dimension and active units of the current network on <paramref name="images"/>.</summary>
    public EvaluationResult Evaluate(ImageSet images) => VaeEvaluator.Evaluate(Network, Loss, images, Options.EvaluationBatchSize, Options.Seed);

    /// <summary>
    /// One optimiser step on a batch [N, C, H, W] with ε drawn from <paramref name="epsilonGenerator"/> —
    /// the inner step of <see cref="Train"/>, exposed for benchmarks. Returns the objective (read once, to
    /// refuse a non-finite step).
    /// </summary>
    public float TrainStep(Tensor images, Generator epsilonGenerator, double klWarmupFactor = 1.0)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(epsilonGenerator);
        return Step(images, epsilonGenerator, klWarmupFactor, null, CompletedEpochs + 1, 0).Objective;
    }

    private bool RunEpoch(ImageSet train, ImageSet? validation, BatchLoader loader, double pixelSum, IProgress<TrainProgress>? progress, CancellationToken cancellationToken)
    {
        int epoch = CompletedEpochs; // 0-based inside, 1-based in reports
        int batches = loader.BatchCount;
        int k = Architecture.LatentDim;
        int[] order = Enumerable.Range(0, train.Count).ToArray();
#pragma warning disable CA5394 // reproducible shuffling, not security
        new Random(SeedMixer.MixToInt(Options.Seed, epoch, SeedMixer.Stream.Shuffle)).Shuffle(order);
#pragma warning restore CA5394
        using var epsilon = new Generator(SeedMixer.Mix(Options.Seed, epoch, SeedMixer.Stream.Epsilon), CPU);
        using var klPerDimensionSum = zeros(k, ScalarType.Float64);
        double reconstructionSum = 0, klSum = 0, trainSeconds = 0;
        long images = 0;
        int firstBatch = 0;
        // At the start of an epoch only: a cancelled epoch resumes with the components it was running with.
        if (Network.Prior is { } prior)
        {
            if (_partial is null && epoch == Options.PriorInitEpochs)
                InitialisePrior(prior, train, epoch);
            // Before its components are placed the prior is the fixed N(0, I), not a learned single Gaussian.
            foreach (var parameter in prior.parameters())
                parameter.requires_grad_(epoch >= Options.PriorInitEpochs);
        }
        if (_partial is { } partial)
        {
            (firstBatch, reconstructionSum, klSum, images, trainSeconds) = (partial.BatchesDone, partial.ReconstructionSum, partial.KlSum, partial.Images, partial.TrainSeconds);
            using (var sums = torch.tensor(partial.KlPerDimensionSum.ToArray(), ScalarType.Float64)) klPerDimensionSum.copy_(sums);
            using (var state = torch.tensor(Convert.FromBase64String(partial.EpsilonGeneratorState), ScalarType.Byte)) epsilon.set_state(state);
            _partial = null;
        }

        var epochClock = Stopwatch.StartNew();
        var stepClock = new Stopwatch();
        double warmup = 0, learningRate = Options.LearningRate;
        for (int b = firstBatch; b < batches; b++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                stepClock.Stop();
                using var generatorState = epsilon.get_state();
                // Kept in memory too, so calling Train again on this trainer also finishes the epoch exactly.
                _partial = new TrainingCheckpoint.PartialEpoch(b, reconstructionSum, klSum, VaeEvaluator.ToArray(klPerDimensionSum),
                    images, trainSeconds + stepClock.Elapsed.TotalSeconds, Convert.ToBase64String(generatorState.data<byte>().ToArray()));
                _continuedRunData = (train.Count, pixelSum);
                if (OutputPath(CheckpointFileName) is { } path)
                    SaveCheckpoint(path, train.Count, pixelSum, _partial);
                return false;
            }
            warmup = KlWarmup.Factor(Options.KlWarmup, Options.KlWarmupUnit, epoch, b, batches);
            learningRate = Options.LearningRate * LearningRateSchedules.Factor(Options.LearningRateSchedule, epoch, b, batches, Options.Epochs);
            SetLearningRate(learningRate);
            stepClock.Start();
            using (var scope = NewDisposeScope())
            {
                var batch = loader.Batch(order, b, epoch);
                var (_, reconstruction, kl) = Step(batch, epsilon, warmup, klPerDimensionSum, epoch + 1, b + 1);
                reconstructionSum += reconstruction;
                klSum += kl;
                images += batch.shape[0];
            }
            stepClock.Stop();
            if (progress != null && ((b + 1) % Options.ProgressInterval == 0 || b == batches - 1))
                progress.Report(new TrainProgress(epoch + 1, Options.Epochs, b + 1, batches, reconstructionSum / images, klSum / images));
        }
        trainSeconds += stepClock.Elapsed.TotalSeconds;

        var evaluation = validation is null ? null : Evaluate(validation);
        var metrics = new EpochMetrics
        {
            Epoch = epoch + 1,
            TrainReconstruction = reconstructionSum / images,
            TrainKl = klSum / images,
            TrainTotal = (reconstructionSum + klSum) / images,
            TrainKlPerDimension = VaeEvaluator.ToArray(klPerDimensionSum).Select(s => s / images).ToArray(),
            ValidationReconstruction = evaluation?.Reconstruction,
            ValidationKl = evaluation?.Kl,
            ValidationTotal = evaluation?.Total,
            ValidationKlPerDimension = evaluation?.KlPerDimension,
            ActiveUnits = evaluation?.ActiveUnits,
            KlWarmupFactor = warmup,
            LearningRate = learningRate,
            GaussianSigma = GaussianSigmaOrNull(),
            LikelihoodScales = PerChannelScalesOrNull(),
            ImagesPerSecond = trainSeconds > 0 ? images / trainSeconds : 0,
            Seconds = epochClock.Elapsed.TotalSeconds,
        };
        metrics = metrics with { Warning = PosteriorCollapse.Warning(metrics, _history.Count > 0 ? _history[^1] : null, k) };
        _history.Add(metrics);
        CompletedEpochs = epoch + 1;

        if (OutputPath(CheckpointFileName) is { } checkpoint)
        {
            SaveCheckpoint(checkpoint, train.Count, pixelSum, partial: null);
            MetricsLog.Write(OutputPath(MetricsJsonFileName)!, OutputPath(MetricsCsvFileName)!, Architecture, Options, _history);
        }
        progress?.Report(new TrainProgress(epoch + 1, Options.Epochs, batches, batches, metrics.TrainReconstruction, metrics.TrainKl, metrics));
        return true;
    }

    private void InitialisePrior(MixturePrior prior, ImageSet train, int epoch)
    {
        using var scope = NewDisposeScope();
        var (mu, logVar) = VaeEvaluator.EncodeAll(Network, train, Options.EvaluationBatchSize);
        using var generator = new Generator(SeedMixer.Mix(Options.Seed, epoch, SeedMixer.Stream.PriorInitialisation), CPU);
        PriorInitializer.Initialise(prior, mu, logVar, generator);
    }

    private (float Objective, float Reconstruction, float Kl) Step(Tensor images, Generator epsilon, double warmup, Tensor? klPerDimensionSum, int epoch, int batch)
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        var (mu, logVar) = Network.Encode(images);
        var z = VaeLoss.Reparameterize(mu, logVar, epsilon);
        var terms = Loss.Compute(images, Network.Decode(z), mu, logVar, warmup);
        float[] values;
        using (torch.no_grad())
            values = torch.stack([terms.Objective, terms.Reconstruction.sum(), terms.Kl.sum()]).data<float>().ToArray();
        if (!float.IsFinite(values[0]) || !float.IsFinite(values[1]) || !float.IsFinite(values[2]))
            throw new TrainingDivergedException(epoch, batch, float.IsFinite(values[0]) ? (float.IsFinite(values[1]) ? values[2] : values[1]) : values[0], _lastCheckpoint);
        terms.Objective.backward();
        _optimizer.step();
        if (klPerDimensionSum is not null)
        {
            using var noGrad = torch.no_grad();
            klPerDimensionSum.add_(terms.KlPerDimension.sum([0L]).to(ScalarType.Float64));
        }
        return (values[0], values[1], values[2]);
    }

    private void SetLearningRate(double rate)
    {
        // The second group, when there is one, holds the per-channel log-scales (see ScaleLearningRateFactor).
        int index = 0;
        foreach (var group in _optimizer.ParamGroups)
            group.LearningRate = index++ == 0 ? rate : rate * ScaleLearningRateFactor;
    }

    private void SaveCheckpoint(string path, int trainImages, double pixelSum, TrainingCheckpoint.PartialEpoch? partial)
    {
        var state = new TrainingCheckpoint.State(
            TrainingCheckpoint.Format, TrainingCheckpoint.Version, CompletedEpochs, TrainingCheckpoint.ArchitectureData.From(Architecture),
            Options, _history.ToList(), Loss.LogSigma?.item<float>(), trainImages, pixelSum, partial)
        { LogScales = Loss.LogScaleValues() };
        TrainingCheckpoint.Save(path, state, writer => Network.save(writer), writer => _optimizer.save_state_dict(writer));
        _lastCheckpoint = Path.GetFullPath(path);
    }

    private void CheckInput(ImageSet set, string parameterName)
    {
        ImageSetChecks.RequireMatches(set, Architecture, parameterName);
        if (set.Count == 0)
            throw new ArgumentException($"{set.Source}: the set holds no images.", parameterName);
        ImageSetChecks.RequirePixelsInUnitRange(set, parameterName);
    }

    // A fingerprint of the training data, so a resume on different data is refused instead of silently diverging.
    // On an on-the-fly set this decodes every file once.
    private static double PixelSum(ImageSet set) => ImageSetChecks.PixelSum(set);

    private double? GaussianSigmaOrNull() => Loss.Likelihood == VaeLikelihood.Gaussian && Loss.LogScale is null ? Loss.GaussianSigma : null;

    // σ_c, b_c or s_c when the loss learns one per channel; null for Bernoulli and a one-σ Gaussian.
    private IReadOnlyList<double>? PerChannelScalesOrNull() => Loss.LogScale is null ? null : Loss.Scales;

    private string? OutputPath(string fileName) => Options.OutputDirectory is null ? null : Path.GetFullPath(Path.Combine(Options.OutputDirectory, fileName));

    /// <summary>Releases the network, the optimiser state and the learned scales.</summary>
    public void Dispose()
    {
        _optimizer.Dispose();
        Loss.Dispose();
        Network.Dispose();
    }
}
