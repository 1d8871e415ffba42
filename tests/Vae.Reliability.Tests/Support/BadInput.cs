namespace Vae.Reliability.Tests.Support;

/// <summary>
/// One bad input: what to do, the exception type it must raise (exactly), and fragments its message must
/// contain (the column / file / option it names, and the expected value).
/// </summary>
public sealed record BadInput(string Name, Type Expected, string[] MessageContains, Action Act)
{
    /// <summary>
    /// Set for a reported, not yet fixed bug: the case still runs and its failure is printed, but does not
    /// fail the suite; once it behaves the suite fails so the marker gets removed.
    /// </summary>
    public string? KnownBug { get; init; }

    /// <summary>The class of input (model files, featurizer options, …) the suite counts by.</summary>
    public string Class { get; init; } = "";

    /// <summary>How the last <see cref="Check"/> ended: the exception type and the start of its message.</summary>
    public string Outcome { get; private set; } = "not run";

    /// <summary>Runs the input; returns null when it behaved, else what went wrong.</summary>
    public string? Check()
    {
        try
        {
            Act();
            Outcome = "no exception";
        }
        catch (Exception e)
        {
            string message = e.Message.ReplaceLineEndings(" ");
            Outcome = $"{e.GetType().Name}: {(message.Length <= 160 ? message : message[..160] + "…")}";
            if (e.GetType() != Expected)
                return $"{Name}: threw {e.GetType().Name} ({e.Message}), expected {Expected.Name}";
            var missing = MessageContains.Where(f => !e.Message.Contains(f, StringComparison.Ordinal)).ToList();
            return missing.Count == 0 ? null : $"{Name}: message \"{e.Message}\" lacks [{string.Join(" | ", missing)}]";
        }
        return $"{Name}: no exception (expected {Expected.Name}) — a silent result";
    }
}
