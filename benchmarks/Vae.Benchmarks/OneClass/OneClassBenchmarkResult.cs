using System.Globalization;
using System.Text;

namespace Vae.Benchmarks.OneClass;

/// <summary>AUROC per method (score kind or baseline) and class, with the mean over classes.</summary>
public sealed class OneClassBenchmarkResult
{
    private readonly Dictionary<string, Dictionary<int, double>> _auroc;

    internal OneClassBenchmarkResult(IReadOnlyList<int> classes, IReadOnlyList<string> methods, Dictionary<string, Dictionary<int, double>> auroc)
    {
        Classes = classes;
        Methods = methods;
        _auroc = auroc;
    }

    /// <summary>The classes, in run order.</summary>
    public IReadOnlyList<int> Classes { get; }

    /// <summary>The methods: score kinds, then the baseline.</summary>
    public IReadOnlyList<string> Methods { get; }

    /// <summary>AUROC of <paramref name="method"/> for normal class <paramref name="normalClass"/>.</summary>
    public double Auroc(string method, int normalClass) => _auroc[method][normalClass];

    /// <summary>Mean AUROC of <paramref name="method"/> over the classes.</summary>
    public double Mean(string method) => Classes.Average(c => _auroc[method][c]);

    /// <summary>A Markdown table: one row per method, one column per class, then the mean.</summary>
    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("| method | ").AppendJoin(" | ", Classes.Select(c => c.ToString(inv))).AppendLine(" | mean |");
        sb.Append("|---|").AppendJoin("", Classes.Select(_ => "---|")).AppendLine("---|");
        foreach (var m in Methods)
            sb.Append("| ").Append(m).Append(" | ")
              .AppendJoin(" | ", Classes.Select(c => _auroc[m][c].ToString("F4", inv)))
              .Append(" | ").Append(Mean(m).ToString("F4", inv)).AppendLine(" |");
        return sb.ToString();
    }
}
