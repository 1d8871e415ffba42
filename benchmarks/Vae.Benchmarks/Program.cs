using BenchmarkDotNet.Running;

namespace Vae.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Vae.Benchmarks -- --report</c> prints one JSON object of
/// ratios measured in this run; any other arguments go to BenchmarkDotNet's switcher.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--report"))
            return Report.RatioReport.Run(args);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
