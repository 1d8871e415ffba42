using System.Text;

namespace Vae.Cli.Tests.PublicApi;

/// <summary>A unified-style line diff (longest common subsequence) for readable snapshot failures.</summary>
public static class LineDiff
{
    /// <summary>
    /// The lines of <paramref name="expected"/> missing from <paramref name="actual"/> ("-") and the new ones ("+"),
    /// each hunk with <paramref name="context"/> unchanged lines around it and the line number in the expected text.
    /// Empty when the two are equal. At most <paramref name="maxLines"/> lines are written.
    /// </summary>
    public static string Format(IReadOnlyList<string> expected, IReadOnlyList<string> actual, int context = 2, int maxLines = 300)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var edits = Edits(expected, actual);
        if (edits.All(e => e.Kind == ' ')) return "";
        var text = new StringBuilder();
        int written = 0;
        for (int i = 0; i < edits.Count; i++)
        {
            if (edits[i].Kind == ' ') continue;
            int start = Math.Max(0, i - context), end = i;
            // Extend the hunk while changes are within 2 × context lines of each other.
            for (int j = i; j < edits.Count && j <= end + 2 * context; j++)
                if (edits[j].Kind != ' ') end = j;
            end = Math.Min(edits.Count - 1, end + context);
            text.Append("@@ expected line ").Append(edits[start].ExpectedLine + 1).Append(" @@\n");
            for (int j = start; j <= end; j++)
            {
                if (++written > maxLines) return text.Append("... (diff truncated)\n").ToString();
                text.Append(edits[j].Kind).Append(' ').Append(edits[j].Line).Append('\n');
            }
            i = end;
        }
        return text.ToString();
    }

    private readonly record struct Edit(char Kind, string Line, int ExpectedLine);

    private static List<Edit> Edits(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        // lcs[i, j] = length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Count + 1, b.Count + 1];
        for (int i = a.Count - 1; i >= 0; i--)
            for (int j = b.Count - 1; j >= 0; j--)
                lcs[i, j] = string.Equals(a[i], b[j], StringComparison.Ordinal) ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
        var edits = new List<Edit>();
        int x = 0, y = 0;
        while (x < a.Count || y < b.Count)
        {
            if (x < a.Count && y < b.Count && string.Equals(a[x], b[y], StringComparison.Ordinal)) { edits.Add(new(' ', a[x], x)); x++; y++; }
            else if (x < a.Count && (y == b.Count || lcs[x + 1, y] >= lcs[x, y + 1])) { edits.Add(new('-', a[x], x)); x++; }
            else { edits.Add(new('+', b[y], x)); y++; }
        }
        return edits;
    }
}
