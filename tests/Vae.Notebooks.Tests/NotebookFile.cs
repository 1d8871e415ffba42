using System.Text.Json;

namespace Vae.Notebooks.Tests;

/// <summary>Reads the cells of a Jupyter notebook (nbformat 4) as written by .NET Interactive / Polyglot Notebooks.</summary>
public static class NotebookFile
{
    /// <summary>All cells, in order; code cells whose language is not C# are rejected (the runner only speaks C#).</summary>
    public static IReadOnlyList<NotebookCell> Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        if (!root.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{path}: not an nbformat 4 notebook (no \"cells\" array).");

        var result = new List<NotebookCell>();
        int index = 0;
        foreach (var cell in cells.EnumerateArray())
        {
            string kind = cell.GetProperty("cell_type").GetString() ?? "";
            string source = cell.GetProperty("source") switch
            {
                { ValueKind: JsonValueKind.Array } lines => string.Concat(lines.EnumerateArray().Select(l => l.GetString())),
                var text => text.GetString() ?? "",
            };
            var metadata = cell.TryGetProperty("metadata", out var m) ? m : default;
            var tags = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("tags", out var t)
                ? t.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
                : Array.Empty<string>();
            if (kind == "code" && metadata.ValueKind == JsonValueKind.Object
                && metadata.TryGetProperty("dotnet_interactive", out var di)
                && di.TryGetProperty("language", out var lang) && lang.GetString() != "csharp")
                throw new InvalidDataException($"{path}: cell {index} is {lang.GetString()}, the runner executes C# cells only.");
            int outputs = cell.TryGetProperty("outputs", out var o) && o.ValueKind == JsonValueKind.Array ? o.GetArrayLength() : 0;
            result.Add(new NotebookCell(index++, kind, source, tags, outputs));
        }
        return result;
    }
}
