namespace Vae.Benchmarks.Report;

/// <summary>Placeholder.</summary>
public static class QualityReport
{
    /// <summary>Placeholder.</summary>
    public static object Measure(ReportOptions o, string modelDirectory, Action<string> progress) => new { };
}
