using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Vae.Reliability.Tests.Support;

/// <summary>
/// The <c>vae</c> CLI (Vae.Cli.dll) as a child process: started with arguments, its printed
/// "epoch N:" lines tracked, and killed with SIGKILL (<see cref="Process.Kill()"/>) on demand.
/// </summary>
public sealed partial class TrainerProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();
    private int _lastEpochPrinted;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<TimeSpan> _epochTimes = [];

    public TrainerProcess(IEnumerable<string> arguments)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "Vae.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(cli);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["COLUMNS"] = "200"; // one progress line per epoch
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The highest epoch number the child reported as finished (it reports after writing the checkpoint).</summary>
    public int LastEpochPrinted => Volatile.Read(ref _lastEpochPrinted);

    /// <summary>When each "epoch N:" line arrived, since the start.</summary>
    public IReadOnlyList<TimeSpan> EpochTimes { get { lock (_epochTimes) return _epochTimes.ToList(); } }

    public string Log { get { lock (_log) return _log.ToString(); } }

    private void OnLine(string? line)
    {
        if (line == null) return;
        lock (_log) _log.AppendLine(line);
        var match = EpochLine().Match(line);
        if (match.Success)
        {
            int epoch = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (epoch > _lastEpochPrinted) Volatile.Write(ref _lastEpochPrinted, epoch);
            lock (_epochTimes) _epochTimes.Add(_clock.Elapsed);
        }
    }

    /// <summary>Waits up to <paramref name="time"/>; true when the process exited by itself.</summary>
    public bool WaitForExit(TimeSpan time)
    {
        if (!_process.WaitForExit(time)) return false;
        // With a timeout, WaitForExit can return before the redirected output is read to its end (a flaky
        // "message not in the log"); the parameterless overload waits for that too.
        _process.WaitForExit();
        return true;
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>Sends a signal by name (e.g. TERM) with the system's <c>kill</c>, the way <c>docker stop</c> or a shell would.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-s", name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -s {name} {_process.Id} exited with {kill.ExitCode}.");
    }

    /// <summary>SIGKILL: no handler runs, no file is closed or flushed by the child.</summary>
    public void KillNow()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) KillNow();
        _process.Dispose();
    }

    [GeneratedRegex(@"^\s*epoch\s+(\d+):")]
    private static partial Regex EpochLine();
}
