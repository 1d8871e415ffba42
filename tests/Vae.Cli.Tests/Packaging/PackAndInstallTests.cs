using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Vae.Cli.Tests.Support;
using Xunit.Abstractions;

namespace Vae.Cli.Tests.Packaging;

/// <summary>
/// What a user does with the packages: <c>dotnet pack</c> the three projects (Release) into one folder, install
/// the <c>vae</c> tool from it with <c>dotnet tool install --tool-path</c>, and run <c>vae --help</c>. Restore
/// uses the machine's NuGet sources plus that folder; the global package cache is reused, the tool path is
/// fresh. Slow (about a minute once the Release build is up to date; the tool package carries libtorch and
/// ONNX Runtime, ~480 MB) and needs ~3 GB in the temp folder, removed afterwards unless VAE_KEEP_TEST_OUTPUT=1.
/// Run alone with <c>dotnet test tests/Vae.Cli.Tests --filter Category=Pack</c>.
/// </summary>
[Trait("Category", "Pack")]
public sealed class PackAndInstallTests : IDisposable
{
    private static readonly string[] Commands = ["train", "export", "eval", "sample", "interpolate", "demo"];
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    private readonly ITestOutputHelper _log;
    private readonly string _dir = Directory.CreateTempSubdirectory("vae-pack-").FullName;

    public PackAndInstallTests(ITestOutputHelper log) => _log = log;

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("VAE_KEEP_TEST_OUTPUT") != "1") Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Pack_gives_two_libraries_and_the_vae_tool_which_installs_and_prints_its_commands()
    {
        string packages = Path.Combine(_dir, "packages"), toolPath = Path.Combine(_dir, "tools");
        var total = Stopwatch.StartNew();
        foreach (string project in new[] { "Vae.MLNet", "Vae.Training", "Vae.Cli" })
            Dotnet(PackTimeout, "pack", RepoPaths.Combine("src", project, project + ".csproj"), "-c", "Release", "-o", packages,
                "-nodeReuse:false", "-p:UseSharedCompilation=false");

        string mlnet = SinglePackage(packages, "Vae.MLNet"), training = SinglePackage(packages, "Vae.Training"), cli = SinglePackage(packages, "Vae.Cli");
        string version = VersionOf(cli, "Vae.Cli");
        AssertLibrary(mlnet, "Vae.MLNet");
        AssertLibrary(training, "Vae.Training");
        Assert.Contains(("Vae.MLNet", version), Dependencies(training)); // the project reference became a package dependency
        AssertTool(cli, "vae", "Vae.Cli.dll");

        Dotnet(InstallTimeout, "tool", "install", "--tool-path", toolPath, "--add-source", packages, "Vae.Cli", "--version", version);
        AssertInstalledFrom(cli, toolPath);

        string vae = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "vae.exe" : "vae");
        var help = Run(vae, RunTimeout, "--help");
        int commandsAt = help.Output.IndexOf("Commands:", StringComparison.Ordinal);
        Assert.True(commandsAt >= 0, $"vae --help has no 'Commands:' section.\n{help.Describe()}");
        var listed = Regex.Matches(help.Output[commandsAt..], @"^ +(\S+) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.True(Commands.All(listed.Contains), $"vae --help lists [{string.Join(", ", listed)}], expected [{string.Join(", ", Commands)}].\n{help.Describe()}");
        var shown = Run(vae, RunTimeout, "--version");
        Assert.True(shown.Output.Trim().StartsWith(version, StringComparison.Ordinal), $"vae --version should start with {version}.\n{shown.Describe()}");
        _log.WriteLine($"pack, install and run: {total.Elapsed.TotalSeconds:F0} s");
    }

    private ChildProcess.Result Dotnet(TimeSpan timeout, params string[] arguments) => Run(ChildProcess.Dotnet, timeout, arguments);

    private ChildProcess.Result Run(string fileName, TimeSpan timeout, params string[] arguments)
    {
        var result = ChildProcess.Run(fileName, arguments, timeout, _dir);
        _log.WriteLine($"{result.Command}: {(result.TimedOut ? "timed out" : $"exit {result.ExitCode}")} in {result.Elapsed.TotalSeconds:F1} s");
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        return result;
    }

    private static string SinglePackage(string folder, string id)
    {
        var matches = Directory.GetFiles(folder, "*.nupkg").Where(p => Regex.IsMatch(Path.GetFileName(p), $@"^{Regex.Escape(id)}\.\d[^/]*\.nupkg$")).ToList();
        Assert.True(matches.Count == 1, $"expected one {id}.<version>.nupkg in {folder}, found: {string.Join(", ", Directory.GetFiles(folder).Select(Path.GetFileName))}");
        return matches[0];
    }

    private static string VersionOf(string nupkg, string id) => Path.GetFileName(nupkg)[(id.Length + 1)..^".nupkg".Length];

    private static XElement Nuspec(string nupkg, out XNamespace ns)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var entry = zip.Entries.Single(e => !e.FullName.Contains('/', StringComparison.Ordinal) && e.Name.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        using var stream = entry.Open();
        var root = XDocument.Load(stream).Root!;
        ns = root.Name.Namespace;
        return root.Element(ns + "metadata")!;
    }

    private static List<string> PackageTypes(string nupkg)
    {
        var metadata = Nuspec(nupkg, out var ns);
        return metadata.Element(ns + "packageTypes")?.Elements(ns + "packageType").Select(e => (string)e.Attribute("name")!).ToList() ?? [];
    }

    private static List<(string Id, string Version)> Dependencies(string nupkg)
    {
        var metadata = Nuspec(nupkg, out var ns);
        return metadata.Descendants(ns + "dependency").Select(d => ((string)d.Attribute("id")!, (string)d.Attribute("version")!)).ToList();
    }

    private static List<string> Entries(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    private static void AssertLibrary(string nupkg, string id)
    {
        var types = PackageTypes(nupkg);
        Assert.True(!types.Contains("DotnetTool"), $"{Path.GetFileName(nupkg)} is a library, but its nuspec says packageType DotnetTool");
        var metadata = Nuspec(nupkg, out var ns);
        Assert.Equal(id, (string?)metadata.Element(ns + "id"));
        Assert.False(string.IsNullOrWhiteSpace((string?)metadata.Element(ns + "description")), $"{id}: no description");
        Assert.NotNull(metadata.Element(ns + "license"));
        var entries = Entries(nupkg);
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries); // the XML docs travel with the library
    }

    private static void AssertTool(string nupkg, string command, string entryPoint)
    {
        var types = PackageTypes(nupkg);
        Assert.True(types.Contains("DotnetTool"), $"{Path.GetFileName(nupkg)}: nuspec packageTypes are [{string.Join(", ", types)}], expected DotnetTool");
        using var zip = ZipFile.OpenRead(nupkg);
        var settings = zip.Entries.SingleOrDefault(e => e.FullName.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal));
        Assert.True(settings != null, $"{Path.GetFileName(nupkg)} has no DotnetToolSettings.xml");
        using var stream = settings.Open();
        var commandElement = XDocument.Load(stream).Descendants("Command").Single();
        Assert.Equal(command, (string?)commandElement.Attribute("Name"));
        Assert.Equal(entryPoint, (string?)commandElement.Attribute("EntryPoint"));
    }

    /// <summary>The installed tool is this build's (not a same-version package from another source): Vae.Cli.dll matches byte for byte.</summary>
    private static void AssertInstalledFrom(string nupkg, string toolPath)
    {
        byte[] packed;
        using (var zip = ZipFile.OpenRead(nupkg))
        {
            var entry = zip.Entries.Single(e => e.FullName.StartsWith("tools/", StringComparison.Ordinal) && e.Name == "Vae.Cli.dll");
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            packed = copy.ToArray();
        }
        var installed = Directory.GetFiles(Path.Combine(toolPath, ".store"), "Vae.Cli.dll", SearchOption.AllDirectories);
        Assert.True(installed.Length == 1, $"expected one installed Vae.Cli.dll under {toolPath}/.store, found {installed.Length}");
        Assert.True(packed.AsSpan().SequenceEqual(File.ReadAllBytes(installed[0])), $"{installed[0]} differs from the Vae.Cli.dll in {Path.GetFileName(nupkg)}");
    }
}
