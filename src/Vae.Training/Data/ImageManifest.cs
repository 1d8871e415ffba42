using System.Text;

namespace Vae.Training.Data;

/// <summary>
/// Reads a CSV manifest of images: a header naming a <c>path</c> column and optionally a <c>label</c> column (any order,
/// other columns ignored, names case-insensitive), then one image a line. Paths are relative to the manifest's folder
/// unless absolute; fields may be quoted ("a, b.png", "" for a quote), but a quoted field cannot span lines. Labels
/// are class names; their ordinal order gives the class indices. Every error names the manifest and the line.
/// </summary>
internal static class ImageManifest
{
    public static ImageListing Read(string manifestPath)
    {
        if (!File.Exists(manifestPath))
            throw new FileNotFoundException($"Image manifest not found: {manifestPath}", manifestPath);
        string folder = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        string[] lines = File.ReadAllLines(manifestPath);
        if (lines.Length == 0 || lines[0].Trim().Length == 0)
            throw new InvalidDataException($"{manifestPath}, line 1: expected a header naming the columns, e.g. 'path,label'.");

        string[] header = Fields(lines[0], manifestPath, 1).Select(h => h.Trim()).ToArray();
        int pathColumn = Array.FindIndex(header, h => h.Equals("path", StringComparison.OrdinalIgnoreCase));
        int labelColumn = Array.FindIndex(header, h => h.Equals("label", StringComparison.OrdinalIgnoreCase));
        if (pathColumn < 0)
            throw new InvalidDataException($"{manifestPath}, line 1: the header '{lines[0]}' has no 'path' column (expected e.g. 'path,label').");

        var files = new List<string>();
        var labelNames = new List<string>();
        for (int i = 1; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            if (lines[i].Trim().Length == 0)
                continue;
            string[] fields = Fields(lines[i], manifestPath, lineNumber);
            if (fields.Length != header.Length)
                throw new InvalidDataException($"{manifestPath}, line {lineNumber}: {fields.Length} field(s), but the header has {header.Length} ({string.Join(",", header)}).");
            string relative = fields[pathColumn].Trim();
            if (relative.Length == 0)
                throw new InvalidDataException($"{manifestPath}, line {lineNumber}: the path is empty.");
            string path = Path.GetFullPath(Path.Combine(folder, relative));
            if (!File.Exists(path))
                throw new InvalidDataException($"{manifestPath}, line {lineNumber}: image file not found: {path}");
            files.Add(path);
            if (labelColumn >= 0)
            {
                string label = fields[labelColumn].Trim();
                if (label.Length == 0)
                    throw new InvalidDataException($"{manifestPath}, line {lineNumber}: the label is empty (give every image a label, or drop the label column).");
                labelNames.Add(label);
            }
        }
        if (files.Count == 0)
            throw new InvalidDataException($"{manifestPath}: lists no images (only the header).");
        if (labelColumn < 0)
            return new ImageListing(files, [], [], []);
        string[] classNames = labelNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var index = classNames.Select((name, k) => (name, k)).ToDictionary(p => p.name, p => p.k, StringComparer.Ordinal);
        return new ImageListing(files, labelNames.Select(l => index[l]).ToArray(), classNames, []);
    }

    /// <summary>The fields of one CSV line (RFC 4180 quoting, no line breaks inside quotes).</summary>
    internal static string[] Fields(string line, string manifestPath, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                int start = i++;
                while (true)
                {
                    if (i >= line.Length)
                        throw new InvalidDataException($"{manifestPath}, line {lineNumber}: the quoted field starting at column {start + 1} is not closed (a field cannot span lines).");
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                if (i < line.Length && line[i] != ',')
                    throw new InvalidDataException($"{manifestPath}, line {lineNumber}: text after the closing quote at column {i + 1} (expected a comma).");
            }
            else
            {
                while (i < line.Length && line[i] != ',')
                    field.Append(line[i++]);
            }
            fields.Add(field.ToString());
            if (i >= line.Length)
                return fields.ToArray();
            i++; // the comma
        }
    }
}
