using System.Diagnostics;

namespace Vae.Benchmarks.Shared;

/// <summary>One timed run: how many items (images, calls) it processed in how many seconds.</summary>
public readonly record struct Timed(long Items, double Seconds)
{
    /// <summary>Items per second.</summary>
    public double Rate => Items / Seconds;

    /// <summary>Times <paramref name="run"/>, which returns the number of items it processed.</summary>
    public static Timed Of(Func<long> run)
    {
        var clock = Stopwatch.StartNew();
        long items = run();
        return new Timed(items, clock.Elapsed.TotalSeconds);
    }
}

/// <summary>A named contender: each call does one repetition (its own untimed setup allowed) and returns what it timed.</summary>
public sealed record Contender(string Name, Func<Timed> Run);

/// <summary>
/// Runs contenders interleaved — warm-up first, then repetitions in alternating order (A B C, C B A, …) so
/// drift on a shared machine hits every side alike — and reports median rates.
/// </summary>
public static class Interleaved
{
    /// <summary>Items/second of every timed round per contender name, after <paramref name="warmups"/> untimed rounds.</summary>
    public static Rates Run(IReadOnlyList<Contender> contenders, int warmups, int repetitions)
    {
        for (int w = 0; w < warmups; w++)
            foreach (var c in contenders) c.Run();
        var rates = contenders.ToDictionary(c => c.Name, _ => new List<double>());
        for (int r = 0; r < repetitions; r++)
        {
            IEnumerable<Contender> order = r % 2 == 0 ? contenders : contenders.Reverse();
            foreach (var c in order)
            {
                // Collect before each run so one side's garbage is not paid by the next side.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                rates[c.Name].Add(c.Run().Rate);
            }
        }
        return new Rates(rates);
    }

    /// <summary>The median (mean of the middle two for even counts).</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        int m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}

/// <summary>Per-round rates of interleaved contenders.</summary>
public sealed class Rates(Dictionary<string, List<double>> byName)
{
    /// <summary>Median items/second of <paramref name="name"/>.</summary>
    public double this[string name] => Interleaved.Median(byName[name]);

    /// <summary>Ratio of the medians of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public double Ratio(string a, string b) => this[a] / this[b];

    /// <summary>
    /// Median over rounds of a/b measured in the same round: robust to load that drifts between rounds, as it
    /// does on a shared machine.
    /// </summary>
    public double PairedRatio(string a, string b) => Interleaved.Median(byName[a].Zip(byName[b], (x, y) => x / y).ToList());
}
