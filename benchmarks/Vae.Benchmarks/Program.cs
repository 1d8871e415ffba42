using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Vae.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Vae.Benchmarks -- --report</c> prints one JSON object of
/// ratios measured in this run; <c>-- --store-memory</c> measures the image store's memory (see <see cref="Report.StoreMemory"/>);
/// <c>-- --likelihoods --images DIR --out DIR</c> compares the decoder likelihoods on colour images
/// (<see cref="Report.LikelihoodComparison"/>); any other arguments go to BenchmarkDotNet's switcher.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--store-memory"))
            return Report.StoreMemory.Run(args);
        if (args.Contains("--report"))
            return Report.RatioReport.Run(args);
        if (args.Contains("--likelihoods"))
            return Report.LikelihoodComparison.Run(args);
        // In-process short-run job: BenchmarkDotNet's generated boilerplate project lives outside the
        // repository, so it would miss Directory.Build.targets' patch of libLibTorchSharp.so for Debian 12's
        // libstdc++; running in this (already patched) process avoids that.
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
