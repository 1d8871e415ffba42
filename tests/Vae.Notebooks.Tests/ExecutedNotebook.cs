using Vae.Tests.Shared;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Vae.Notebooks.Tests;

/// <summary>A notebook as dotnet-repl ran it: the process's ending and the cells with their outputs.</summary>
public sealed class ExecutedNotebook(string name, ChildProcess.Result process, IReadOnlyList<NotebookCell> cells)
{
    public string Name { get; } = name;
    public ChildProcess.Result Process { get; } = process;
    public IReadOnlyList<NotebookCell> Cells { get; } = cells;

    /// <summary>Every error output, with the cell it came from.</summary>
    public IEnumerable<(NotebookCell Cell, NotebookOutput Output)> Errors =>
        Cells.SelectMany(cell => cell.Outputs.Where(o => o.Type == "error").Select(o => (cell, o)));

    /// <summary>Fails unless the run exited 0, every code cell ran, and no cell shows an error.</summary>
    public void AssertRanCleanly()
    {
        Assert.True(Cells.Count > 0, $"{Name}: dotnet-repl wrote no executed notebook.\n{Process.Describe()}");
        var errors = Errors.Select(e => $"cell {e.Cell.Index} ({FirstLine(e.Cell)}): {e.Output.ErrorName}: {e.Output.ErrorValue}").ToList();
        Assert.True(errors.Count == 0, $"{Name}: {errors.Count} cell error(s):\n{string.Join("\n", errors)}\n{Process.Describe(2000)}");
        Assert.True(Process.Succeeded, $"{Name}: {Process.Describe()}");
        var notRun = Cells.Where(c => c.Kind == "code" && !c.Executed).Select(c => c.Index).ToList();
        Assert.True(notRun.Count == 0, $"{Name}: code cells [{string.Join(", ", notRun)}] did not run.");
    }

    /// <summary>The first output text matching <paramref name="pattern"/> (any MIME type), as a match.</summary>
    public Match Find(string pattern)
    {
        var regex = new Regex(pattern);
        foreach (var output in Cells.SelectMany(c => c.Outputs))
            if (regex.Match(output.AllText) is { Success: true } match) return match;
        Assert.Fail($"{Name}: no output matches /{pattern}/. Outputs:\n{string.Join("\n", Cells.SelectMany(c => c.Outputs).Select(o => Shorten(o.AllText)))}");
        return null!;
    }

    /// <summary>All matches of <paramref name="pattern"/> over every output.</summary>
    public IReadOnlyList<Match> FindAll(string pattern) =>
        Cells.SelectMany(c => c.Outputs).SelectMany(o => Regex.Matches(o.AllText, pattern)).ToList();

    /// <summary>The PNG images shown inline (as data URIs in HTML outputs) by cell <paramref name="cell"/>.</summary>
    public IReadOnlyList<byte[]> InlinePngs(NotebookCell cell) => cell.Outputs
        .Where(o => o.Data.ContainsKey("text/html"))
        .SelectMany(o => Regex.Matches(o.Data["text/html"], "data:image/png;base64,([A-Za-z0-9+/=]+)"))
        .Select(m => Convert.FromBase64String(m.Groups[1].Value))
        .ToList();

    public static double Number(Match match, int group = 1) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    private static string FirstLine(NotebookCell cell) => cell.Source.Split('\n')[0];

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
