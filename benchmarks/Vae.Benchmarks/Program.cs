using BenchmarkDotNet.Configs;
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
        // BenchmarkDotNet builds a boilerplate project first; on a loaded 2-core machine that takes longer
        // than its default 2-minute build timeout.
        var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(15));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
