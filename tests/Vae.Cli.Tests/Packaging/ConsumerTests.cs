using Vae.Tests.Shared;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Xml.Linq;
using Vae.Cli.Tests.Support;
using Xunit.Abstractions;

namespace Vae.Cli.Tests.Packaging;

/// <summary>
/// Applications a user writes, outside the repository (so none of its Directory.Build.* files apply), created with
/// <c>dotnet new</c> and referencing the packed packages by version from <see cref="PackedPackages.Folder"/> through
/// a nuget.config of their own (plus the machine's usual feed; the machine's package cache serves as a fallback, the
/// packed packages land in a cache of their own). Each builds with warnings as errors, as a strict user's would.
/// Sources: <c>Packaging/Consumers/*.cs</c>. On Debian 12 the system libstdc++ lacks GLIBCXX_3.4.32, so these pass only
/// because Vae.Training's buildTransitive targets patch each application's own copy of libLibTorchSharp.so.
/// </summary>
[Trait("Category", "Pack")]
[Collection(PackagesCollection.Name)]
public sealed class ConsumerTests
{
    private static readonly TimeSpan NewTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);
    private const double MuTolerance = 1e-5; // the saved chain runs ONNX Runtime row by row, the featurizer in batches

    private readonly PackedPackages _packages;
    private readonly ITestOutputHelper _log;

    public ConsumerTests(PackedPackages packages, ITestOutputHelper log) => (_packages, _log) = (packages, log);

    [Fact]
    public void A_console_app_trains_featurizes_and_saves_and_an_app_on_MLNET_alone_loads_it_with_the_same_mu()
    {
        string trainer = NewProject("console", "TrainAndSave", "TrainAndSave.cs", ("Vae.Training", _packages.Version), ("Vae.MLNet", _packages.Version));
        var build = Dotnet(trainer, BuildTimeout, "build", "-c", "Release", "-p:TreatWarningsAsErrors=true", "-nodeReuse:false");
        AssertNoWarnings(build);
        string bin = Path.Combine(trainer, "bin", "Release", "net10.0");
        AssertOnlyHostNatives(bin);

        string output = Directory.CreateDirectory(Path.Combine(trainer, "out")).FullName;
        var trained = Run(trainer, ChildProcess.Dotnet, RunTimeout, Path.Combine(bin, "TrainAndSave.dll"), output);
        float[][] expected = Mu(trained);

        // Only ML.NET's own packages, at the versions the repository uses (the input is a pixel vector, not an image:
        // Microsoft.ML.ImageAnalytics is not needed).
        var versions = CentralVersions();
        string loader = NewProject("console", "LoadAndPredict", "LoadAndPredict.cs",
            [.. new[] { "Microsoft.ML", "Microsoft.ML.OnnxTransformer", "Microsoft.ML.OnnxRuntime" }.Select(id => (id, versions[id]))]);
        AssertNoWarnings(Dotnet(loader, BuildTimeout, "build", "-c", "Release", "-p:TreatWarningsAsErrors=true", "-nodeReuse:false"));
        string loaderBin = Path.Combine(loader, "bin", "Release", "net10.0");
        Assert.False(File.Exists(Path.Combine(loaderBin, "Vae.MLNet.dll")), "the loading app must not see Vae.MLNet");
        float[][] loaded = Mu(Run(loader, ChildProcess.Dotnet, RunTimeout, Path.Combine(loaderBin, "LoadAndPredict.dll"), output));

        Assert.Equal(expected.Length, loaded.Length);
        double worst = 0;
        for (int r = 0; r < expected.Length; r++)
        {
            Assert.Equal(expected[r].Length, loaded[r].Length);
            for (int j = 0; j < expected[r].Length; j++)
                worst = Math.Max(worst, Math.Abs(expected[r][j] - loaded[r][j]));
        }
        _log.WriteLine($"μ of {expected.Length} rows x {expected[0].Length}: largest difference between the apps {worst:G3}");
        Assert.True(worst <= MuTolerance, $"μ differs by up to {worst:G3} between the app that saved the pipeline and the one that loaded it.\nsaved: {JsonSerializer.Serialize(expected)}\nloaded: {JsonSerializer.Serialize(loaded)}");
    }

    [Fact]
    public void An_xunit_project_runs_TorchSharp_from_its_own_test_output()
    {
        string tests = NewProject("xunit", "ConsumerTests", "TrainingSmokeTest.cs", ("Vae.Training", _packages.Version));
        File.Delete(Path.Combine(tests, "UnitTest1.cs"));
        var run = Dotnet(tests, BuildTimeout, "test", "-c", "Release", "-p:TreatWarningsAsErrors=true", "-nodeReuse:false");
        AssertNoWarnings(run);
        Assert.Contains("Passed!", run.Output, StringComparison.Ordinal);
        AssertOnlyHostNatives(Path.Combine(tests, "bin", "Release", "net10.0"));
    }

    [Fact]
    public void A_published_app_runs_from_its_publish_folder()
    {
        string app = NewProject("console", "Published", "TrainAndSave.cs", ("Vae.Training", _packages.Version), ("Vae.MLNet", _packages.Version));
        string publish = Path.Combine(app, "publish");
        AssertNoWarnings(Dotnet(app, BuildTimeout, "publish", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false",
            "-o", publish, "-p:TreatWarningsAsErrors=true", "-nodeReuse:false"));
        string output = Directory.CreateDirectory(Path.Combine(app, "out")).FullName;
        var run = Run(app, Path.Combine(publish, OperatingSystem.IsWindows() ? "Published.exe" : "Published"), RunTimeout, output);
        Assert.NotEmpty(Mu(run));
    }

    /// <summary>
    /// <c>dotnet new {template}</c> in a folder of its own under the consumers' folder (which holds the nuget.config),
    /// its source replaced by <c>Packaging/Consumers/{source}</c>, and a package reference for each of <paramref name="packages"/>.
    /// </summary>
    private string NewProject(string template, string name, string source, params (string Id, string Version)[] packages)
    {
        string consumers = ConsumersFolder();
        string project = Path.Combine(consumers, name);
        Dotnet(consumers, NewTimeout, "new", template, "--name", name, "--output", project, "--framework", "net10.0");
        if (template == "console") File.Delete(Path.Combine(project, "Program.cs"));
        File.Copy(RepoPaths.Combine("tests", "Vae.Cli.Tests", "Packaging", "Consumers", source), Path.Combine(project, template == "console" ? "Program.cs" : source));
        foreach (var (id, version) in packages)
            Dotnet(project, NewTimeout, "add", "package", id, "--version", version, "--no-restore");
        return project;
    }

    /// <summary>The folder the consumer projects live in, with a nuget.config adding the packed folder as a source.</summary>
    private string ConsumersFolder()
    {
        string folder = Path.Combine(_packages.Root, "consumers");
        string config = Path.Combine(folder, "nuget.config");
        lock (typeof(ConsumerTests))
        {
            if (File.Exists(config)) return folder;
            Directory.CreateDirectory(folder);
            foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
                for (var dir = new DirectoryInfo(folder); dir != null; dir = dir.Parent)
                    Assert.False(File.Exists(Path.Combine(dir.FullName, name)), $"{Path.Combine(dir.FullName, name)} would apply to the consumer projects");
            string machineCache = Dotnet(folder, NewTimeout, "nuget", "locals", "global-packages", "--list").Output.Split(':', 2)[1].Trim();
            new XDocument(new XElement("configuration",
                new XElement("config", Add("globalPackagesFolder", Path.Combine(_packages.Root, "nuget-cache"))),
                new XElement("packageSources", Add("vae-packed", _packages.Folder)),
                new XElement("fallbackPackageFolders", Add("machine-cache", machineCache)))).Save(config);
            return folder;
        }

        static XElement Add(string key, string value) => new("add", new XAttribute("key", key), new XAttribute("value", value));
    }

    /// <summary>Directory.Packages.props' version of each package.</summary>
    private static Dictionary<string, string> CentralVersions() =>
        XDocument.Load(RepoPaths.Combine("Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);

    /// <summary>The output of a RID-less build holds the natives of this machine's platform only, and libtorch's among them.</summary>
    private void AssertOnlyHostNatives(string bin)
    {
        long bytes = new DirectoryInfo(bin).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        var platforms = Directory.GetDirectories(Path.Combine(bin, "runtimes")).Select(Path.GetFileName).ToList();
        _log.WriteLine($"{bin}: {bytes / 1e6:F0} MB, runtimes/[{string.Join(", ", platforms)}]");
        Assert.Equal([RuntimeInformation.RuntimeIdentifier], platforms);
    }

    private static float[][] Mu(ChildProcess.Result run)
    {
        string? line = run.Output.Split('\n').LastOrDefault(l => l.StartsWith("mu: ", StringComparison.Ordinal));
        Assert.True(line != null, $"no 'mu: ' line.\n{run.Describe()}");
        return JsonSerializer.Deserialize<float[][]>(line["mu: ".Length..])!;
    }

    private static void AssertNoWarnings(ChildProcess.Result result)
    {
        var warnings = PackedPackages.Warnings(result.Output);
        Assert.True(warnings.Count == 0, $"`{result.Command}` warned:\n{string.Join('\n', warnings)}");
    }

    private ChildProcess.Result Dotnet(string workingDirectory, TimeSpan timeout, params string[] arguments) => Run(workingDirectory, ChildProcess.Dotnet, timeout, arguments);

    private ChildProcess.Result Run(string workingDirectory, string fileName, TimeSpan timeout, params string[] arguments)
    {
        var result = ChildProcess.Run(fileName, arguments, timeout, workingDirectory);
        _log.WriteLine($"{result.Command}: {(result.TimedOut ? "timed out" : $"exit {result.ExitCode}")} in {result.Elapsed.TotalSeconds:F1} s");
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        return result;
    }
}
