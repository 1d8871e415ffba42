using System.Collections.Concurrent;
using Microsoft.ML;

namespace Vae.MLNet;

/// <summary>
/// The thread-safe way to predict one row at a time from many threads: a small pool of ML.NET
/// <see cref="PredictionEngine{TSrc, TDst}"/>s over one transformer (a VAE featurizer, a detector, or any chain
/// holding them). A <c>PredictionEngine</c> is single-threaded by ML.NET's contract — it reuses one input row and
/// one output buffer — so one engine shared by threads returns other threads' values; transformers, views and
/// <see cref="VaeModel.Run"/> are thread-safe. Each <see cref="Predict"/> rents an engine (making one when none
/// is free), predicts, and returns it.
/// </summary>
/// <typeparam name="TSrc">The input row class.</typeparam>
/// <typeparam name="TDst">The output row class; each prediction is a new instance.</typeparam>
public sealed class VaePredictionEnginePool<TSrc, TDst> : IDisposable
    where TSrc : class
    where TDst : class, new()
{
    private readonly MLContext _ml;
    private readonly ITransformer _transformer;
    private readonly ConcurrentBag<PredictionEngine<TSrc, TDst>> _free = [];
    private readonly int _maxRetained;
    private int _retained;
    private volatile bool _disposed;

    /// <summary>A pool over <paramref name="transformer"/>, which it does not own (dispose the transformer after the pool).</summary>
    /// <param name="mlContext">The context the engines are made in.</param>
    /// <param name="transformer">The fitted or loaded transformer.</param>
    /// <param name="maxRetained">Engines kept for reuse (default: the processor count); more are made under load and dropped when returned.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRetained"/> is below 1.</exception>
    public VaePredictionEnginePool(MLContext mlContext, ITransformer transformer, int? maxRetained = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(transformer);
        _maxRetained = maxRetained ?? Environment.ProcessorCount;
        if (_maxRetained < 1)
            throw new ArgumentOutOfRangeException(nameof(maxRetained), maxRetained, "VaePredictionEnginePool keeps at least 1 engine (maxRetained >= 1).");
        _ml = mlContext;
        _transformer = transformer;
    }

    /// <summary>Predicts one row on an engine no other thread is using. Thread-safe.</summary>
    public TDst Predict(TSrc example)
    {
        var engine = Rent();
        try
        {
            return engine.Predict(example);
        }
        finally
        {
            Return(engine);
        }
    }

    /// <summary>An engine for this thread's exclusive use until <see cref="Return"/>; for several predictions in a row.</summary>
    public PredictionEngine<TSrc, TDst> Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_free.TryTake(out var engine))
        {
            Interlocked.Decrement(ref _retained);
            return engine;
        }
        return _ml.Model.CreatePredictionEngine<TSrc, TDst>(_transformer, new PredictionEngineOptions { OwnsTransformer = false });
    }

    /// <summary>Gives back an engine from <see cref="Rent"/>; it must not be used afterwards.</summary>
    public void Return(PredictionEngine<TSrc, TDst> engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (_disposed || Interlocked.Increment(ref _retained) > _maxRetained)
        {
            if (!_disposed)
                Interlocked.Decrement(ref _retained);
            engine.Dispose();
            return;
        }
        _free.Add(engine);
        if (_disposed)
            DisposeFree(); // the pool was disposed while this engine came back
    }

    /// <summary>Disposes the engines kept for reuse (not the transformer). Rented engines are disposed when returned.</summary>
    public void Dispose()
    {
        _disposed = true;
        DisposeFree();
    }

    private void DisposeFree()
    {
        while (_free.TryTake(out var engine))
            engine.Dispose();
    }
}
