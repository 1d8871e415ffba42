using System.Runtime.InteropServices;

namespace Vae.Cli;

/// <summary>
/// Turns the first Ctrl+C (SIGINT) or SIGTERM — what <c>docker stop</c>, systemd and Kubernetes send — into a
/// cancellation request: the running command stops after the current batch, saves a checkpoint and exits.
/// A second signal ends the process the usual way.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly TextWriter _error;
    private readonly PosixSignalRegistration[] _registrations;

    public StopSignals(TextWriter error)
    {
        _error = error;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    public CancellationToken Token => _source.Token;

    private void OnSignal(PosixSignalContext context)
    {
        if (_source.IsCancellationRequested) return; // second signal: let the runtime terminate
        context.Cancel = true;
        string name = context.Signal == PosixSignal.SIGINT ? "Ctrl+C" : "SIGTERM";
        _error.WriteLine($"vae: {name}: stopping after the current batch and saving a checkpoint (send it again to abort)...");
        _source.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _source.Dispose();
    }
}
