namespace Vae.Training.Cli;

/// <summary>
/// Turns the first Ctrl+C into a cancellation request (the running command saves a checkpoint and exits);
/// a second Ctrl+C ends the process the usual way.
/// </summary>
internal sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly TextWriter _error;

    public CtrlC(TextWriter error)
    {
        _error = error;
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    public CancellationToken Token => _source.Token;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (_source.IsCancellationRequested) return; // second press: let the runtime terminate
        e.Cancel = true;
        _error.WriteLine("vae: stopping after the current batch and saving a checkpoint (Ctrl+C again to abort)...");
        _source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _source.Dispose();
    }
}
