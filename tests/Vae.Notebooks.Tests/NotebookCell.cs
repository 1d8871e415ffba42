namespace Vae.Notebooks.Tests;

/// <summary>One cell of a .ipynb file: its kind, source text, tags, outputs and whether dotnet-repl ran it.</summary>
public sealed record NotebookCell(int Index, string Kind, string Source, IReadOnlyList<string> Tags, IReadOnlyList<NotebookOutput> Outputs, bool Executed);

/// <summary>
/// One output of a cell (nbformat 4): <c>display_data</c>/<c>execute_result</c> carry their text by MIME type,
/// <c>stream</c> its text, <c>error</c> its name and value.
/// </summary>
public sealed record NotebookOutput(string Type, IReadOnlyDictionary<string, string> Data, string? Text, string? ErrorName, string? ErrorValue)
{
    /// <summary>Everything this output shows as text, whatever its kind.</summary>
    public string AllText => string.Join('\n', Data.Values.Append(Text ?? "").Append(ErrorValue ?? ""));
}
