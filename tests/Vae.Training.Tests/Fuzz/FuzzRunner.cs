using System.Diagnostics;

namespace Vae.Training.Tests.Fuzz;

/// <summary>
/// Runs one fuzz input on a worker task with a deadline, so a hang fails the test (naming the input)
/// instead of stalling the run, and tallies the outcomes for the printed summary.
/// </summary>
internal sealed class FuzzRunner
{
    private readonly TimeSpan _perInput;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public FuzzRunner(TimeSpan perInput) => _perInput = perInput;

    public int Accepted { get; private set; }
    public int Rejected { get; private set; }
    public TimeSpan Elapsed => _clock.Elapsed;
    public TimeSpan Slowest { get; private set; }

    /// <summary>
    /// Runs <paramref name="action"/>: it returns normally (accepted) or throws an exception that
    /// <paramref name="checkRejection"/> accepts as documented (it asserts type and message). Anything
    /// else — another exception type, or no answer within the deadline — fails the test.
    /// </summary>
    public void Run(int index, Action action, Action<Exception> checkRejection)
    {
        var start = _clock.Elapsed;
        var task = Task.Run(action);
        try
        {
            if (!task.Wait(_perInput))
                Assert.Fail($"fuzz input #{index} did not finish within {_perInput.TotalSeconds} s (hang)");
            Accepted++;
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            checkRejection(e.InnerException!);
            Rejected++;
        }
        var took = _clock.Elapsed - start;
        if (took > Slowest) Slowest = took;
    }

    public string Summary(string what) =>
        $"{what}: {Accepted + Rejected} inputs, {Accepted} accepted, {Rejected} rejected, {Elapsed.TotalSeconds:F1} s, slowest {Slowest.TotalMilliseconds:F0} ms";
}
