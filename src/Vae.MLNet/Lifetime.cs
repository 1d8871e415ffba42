namespace Vae.MLNet;

/// <summary>
/// The lifetime of an object that owns native resources (ONNX Runtime sessions) while rows, cursors or other
/// objects still use them. Dispose marks the owner disposed at once — every later use is an
/// <see cref="ObjectDisposedException"/> naming it — but the resources are released only when the last lease
/// ends, so a row that is mid-run, or a PredictionEngine made with <c>OwnsTransformer = false</c>, never runs
/// on freed native memory (which is a SIGSEGV, not an exception).
/// </summary>
internal sealed class Lifetime
{
    private readonly object _gate = new();
    private readonly string _objectName;
    private readonly Func<string> _message;
    private Action? _release;
    private int _references = 1; // the owner's own reference, dropped by Dispose
    private bool _disposed;

    /// <param name="objectName">The public type named by <see cref="ObjectDisposedException.ObjectName"/>.</param>
    /// <param name="message">What the exception says (built only when thrown).</param>
    /// <param name="release">Frees the resources; runs once, when the owner is disposed and no lease is left.</param>
    public Lifetime(string objectName, Func<string> message, Action release)
    {
        _objectName = objectName;
        _message = message;
        _release = release;
    }

    public bool IsDisposed
    {
        get { lock (_gate) return _disposed; }
    }

    /// <summary>Throws <see cref="ObjectDisposedException"/> naming the owner once it is disposed.</summary>
    public void ThrowIfDisposed()
    {
        if (IsDisposed)
            throw Disposed();
    }

    public ObjectDisposedException Disposed() => new(_objectName, _message());

    /// <summary>Keeps the resources alive until the lease is disposed; throws when the owner is already disposed.</summary>
    public IDisposable Acquire()
    {
        lock (_gate)
        {
            if (_disposed)
                throw Disposed();
            _references++;
        }
        return new Lease(this);
    }

    /// <summary>A lease that does not require the owner to be undisposed (for an object sharing resources it already holds).</summary>
    public IDisposable Share()
    {
        lock (_gate)
        {
            if (_references == 0)
                throw Disposed();
            _references++;
        }
        return new Lease(this);
    }

    /// <summary>Marks the owner disposed and releases the resources now, or when the last lease ends.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
        }
        Release();
    }

    private void Release()
    {
        Action? release = null;
        lock (_gate)
        {
            if (--_references == 0)
                (release, _release) = (_release, null);
        }
        release?.Invoke();
    }

    private sealed class Lease(Lifetime owner) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0)
                owner.Release();
        }
    }
}
