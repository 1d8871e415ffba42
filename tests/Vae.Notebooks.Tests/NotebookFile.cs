using System.Text.Json;

namespace Vae.Notebooks.Tests;

/// <summary>Reads the cells of a Jupyter notebook (nbformat 4), as committed or as written by <c>dotnet repl --output-path</c>.</summary>
public static class NotebookFile
{
    /// <summary>All cells, in order.</summary>
    public static IReadOnlyList<NotebookCell> Read(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        if (!root.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{path}: not an nbformat 4 notebook (no \"cells\" array).");

        var result = new List<NotebookCell>();
        foreach (var cell in cells.EnumerateArray())
        {
            string kind = cell.GetProperty("cell_type").GetString() ?? "";
            var metadata = cell.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            var tags = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("tags", out var t)
                ? t.EnumerateArray().Select(x => x.GetString() ?? "").ToArray()
                : Array.Empty<string>();
            bool executed = metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty("dotnet_repl_cellExecutionEndTime", out _);
            var outputs = cell.TryGetProperty("outputs", out var o) && o.ValueKind == JsonValueKind.Array
                ? o.EnumerateArray().Select(ReadOutput).ToArray()
                : Array.Empty<NotebookOutput>();
            result.Add(new NotebookCell(result.Count, kind, Text(cell.GetProperty("source")), tags, outputs, executed));
        }
        return result;
    }

    private static NotebookOutput ReadOutput(JsonElement output)
    {
        string type = output.GetProperty("output_type").GetString() ?? "";
        var data = new Dictionary<string, string>();
        if (output.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object)
            foreach (var mime in d.EnumerateObject()) data[mime.Name] = Text(mime.Value);
        return new NotebookOutput(type, data,
            output.TryGetProperty("text", out var text) ? Text(text) : null,
            output.TryGetProperty("ename", out var name) ? name.GetString() : null,
            output.TryGetProperty("evalue", out var value) ? value.GetString() : null);
    }

    // nbformat allows a string or an array of lines.
    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => string.Concat(value.EnumerateArray().Select(l => l.GetString())),
        JsonValueKind.String => value.GetString() ?? "",
        _ => value.GetRawText(),
    };
}
