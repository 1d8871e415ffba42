using Vae.Tests.Shared;
using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Vae.Cli.Tests.Support;

namespace Vae.Cli.Tests.Packaging;

/// <summary>The tests that use the packages as a user would; they share one <see cref="PackedPackages"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "Packed packages";
}

/// <summary>
/// <c>dotnet pack</c> of the three projects (Release), once for all the packaging tests, into a temporary folder
/// outside the repository, with a version of its own (the repository's version plus a time stamp) so that no
/// package of that id and version can already sit in a NuGet cache. About 40 s once the Release build is up to date;
/// the folder grows to ~3 GB with what the tests add (each consumer's bin holds libtorch), removed afterwards unless
/// VAE_KEEP_TEST_OUTPUT=1. Run the packaging tests alone with <c>dotnet test tests/Vae.Cli.Tests --filter Category=Pack</c>.
/// </summary>
public sealed partial class PackedPackages : IDisposable
{
    public static readonly string[] Projects = ["Vae.MLNet", "Vae.Training", "Vae.Cli"];
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The temporary folder: packages/ and whatever the tests create beside it.</summary>
    public string Root { get; } = Directory.CreateTempSubdirectory("vae-pack-").FullName;
    public string Folder => Path.Combine(Root, "packages");
    public string Version { get; }
    /// <summary>What each <c>dotnet pack</c> printed, by project.</summary>
    public IReadOnlyDictionary<string, ChildProcess.Result> PackRuns { get; }
    /// <summary>The platforms the vae tool is packed for (Vae.Cli.csproj's ToolPackageRuntimeIdentifiers).</summary>
    public IReadOnlyList<string> ToolRuntimeIdentifiers { get; }
    public TimeSpan PackTime { get; }

    public PackedPackages()
    {
        if (Root.StartsWith(RepoPaths.Root, StringComparison.Ordinal))
            throw new InvalidOperationException($"The temporary folder {Root} lies inside the repository {RepoPaths.Root}: its Directory.Build.* would apply to the consumer projects.");
        string repoVersion = XDocument.Load(RepoPaths.Combine("Directory.Build.props")).Descendants("Version").Single().Value;
        Version = $"{repoVersion}-pack.{DateTime.UtcNow:yyyyMMddHHmmss}";
        ToolRuntimeIdentifiers = XDocument.Load(RepoPaths.Combine("src", "Vae.Cli", "Vae.Cli.csproj")).Descendants("ToolPackageRuntimeIdentifiers").Single().Value.Split(';');

        var runs = new Dictionary<string, ChildProcess.Result>();
        var clock = Stopwatch.StartNew();
        foreach (string project in Projects)
            runs[project] = RunOrThrowIn(Root, PackTimeout, ChildProcess.Dotnet, "pack", RepoPaths.Combine("src", project, project + ".csproj"), "-c", "Release",
                "-o", Folder, $"-p:Version={Version}", "-nodeReuse:false", "-p:UseSharedCompilation=false");
        PackTime = clock.Elapsed;
        PackRuns = runs;
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("VAE_KEEP_TEST_OUTPUT") != "1") Directory.Delete(Root, recursive: true);
    }

    /// <summary>The one <c>{id}.{Version}.nupkg</c> in <see cref="Folder"/>.</summary>
    public Nupkg Package(string id)
    {
        string path = Path.Combine(Folder, $"{id}.{Version}.nupkg");
        Assert.True(File.Exists(path), $"{path} not found; {Folder} holds: {string.Join(", ", Directory.GetFiles(Folder).Select(Path.GetFileName))}");
        return new Nupkg(path);
    }

    /// <summary>A new empty folder under <see cref="Root"/>.</summary>
    public string NewFolder(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    /// <summary>Runs a program with <paramref name="workingDirectory"/> as its current directory; throws with its output unless it exits with 0.</summary>
    public static ChildProcess.Result RunOrThrowIn(string? workingDirectory, TimeSpan timeout, string fileName, params string[] arguments)
    {
        var result = ChildProcess.Run(fileName, arguments, timeout, workingDirectory);
        if (result.TimedOut || result.ExitCode != 0)
            throw new InvalidOperationException(result.Describe());
        return result;
    }

    /// <summary>The lines of <paramref name="output"/> that MSBuild or NuGet printed as warnings.</summary>
    public static List<string> Warnings(string output) => WarningLine().Matches(output).Select(m => m.Value.Trim()).Distinct().ToList();

    [GeneratedRegex(@"^.*\bwarning [A-Z]+[0-9]+\b.*$", RegexOptions.Multiline)]
    private static partial Regex WarningLine();
}
