using Vae.Tests.Shared;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Vae.Cli.Tests.Support;
using Xunit.Abstractions;

namespace Vae.Cli.Tests.Packaging;

/// <summary>
/// What a user does with the tool: install <c>vae</c> from the packed folder with <c>dotnet tool install
/// --tool-path</c>, run <c>vae --help</c>, and run a short <c>vae demo</c> from a folder that is not the repository,
/// so the demo's data must come from the tool itself. The tool path is fresh; the packages are
/// <see cref="PackedPackages"/>'. Run alone with <c>dotnet test tests/Vae.Cli.Tests --filter Category=Pack</c>.
/// </summary>
[Trait("Category", "Pack")]
[Collection(PackagesCollection.Name)]
public sealed class PackAndInstallTests
{
    private static readonly string[] Commands = ["train", "export", "eval", "sample", "interpolate", "demo"];
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan DemoTimeout = TimeSpan.FromMinutes(3);

    private readonly PackedPackages _packages;
    private readonly ITestOutputHelper _log;

    public PackAndInstallTests(PackedPackages packages, ITestOutputHelper log) => (_packages, _log) = (packages, log);

    [Fact]
    public void The_vae_tool_installs_from_the_folder_and_runs_a_short_demo_from_any_directory()
    {
        string rid = RuntimeInformation.RuntimeIdentifier;
        Assert.True(_packages.ToolRuntimeIdentifiers.Contains(rid), $"the tool is packed for [{string.Join(", ", _packages.ToolRuntimeIdentifiers)}], not for this machine ({rid})");
        string toolPath = _packages.NewFolder("tools"), elsewhere = _packages.NewFolder("elsewhere"), demo = Path.Combine(_packages.Root, "demo");

        Run(_packages.Root, ChildProcess.Dotnet, InstallTimeout, "tool", "install", "--tool-path", toolPath, "--add-source", _packages.Folder, "Vae.Cli", "--version", _packages.Version);
        AssertInstalledFrom(_packages.Package($"Vae.Cli.{rid}"), toolPath);

        string vae = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "vae.exe" : "vae");
        var help = Run(elsewhere, vae, RunTimeout, "--help");
        int commandsAt = help.Output.IndexOf("Commands:", StringComparison.Ordinal);
        Assert.True(commandsAt >= 0, $"vae --help has no 'Commands:' section.\n{help.Describe()}");
        var listed = Regex.Matches(help.Output[commandsAt..], @"^ +(\S+) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.True(Commands.All(listed.Contains), $"vae --help lists [{string.Join(", ", listed)}], expected [{string.Join(", ", Commands)}].\n{help.Describe()}");
        var shown = Run(elsewhere, vae, RunTimeout, "--version");
        Assert.True(shown.Output.Trim().StartsWith(_packages.Version, StringComparison.Ordinal), $"vae --version should start with {_packages.Version}.\n{shown.Describe()}");

        // The smallest demo the options allow: every step runs, on 400 + 100 images of the built-in sample.
        var run = Run(elsewhere, vae, DemoTimeout, "demo", "--out", demo, "--limit", "400", "--epochs", "2", "--hidden", "32", "--latent", "4",
            "--kmeans-seeds", "1", "--umap-neighbors", "0", "--threads", "2");
        Assert.True(File.Exists(Path.Combine(demo, "report.md")), $"vae demo wrote no report.md in {demo}.\n{run.Describe()}");
        Assert.Contains("fashion-mnist/t10k (embedded)", File.ReadAllText(Path.Combine(demo, "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_tool_package_points_at_one_package_per_platform_and_each_holds_the_vae_command()
    {
        var top = _packages.Package("Vae.Cli");
        Assert.Contains("DotnetTool", top.PackageTypes);
        var settings = XDocument.Parse(top.ReadText(top.Single("/DotnetToolSettings.xml")));
        Assert.Equal("vae", (string?)settings.Descendants("Command").Single().Attribute("Name"));
        var pointed = settings.Descendants("RuntimeIdentifierPackage").ToDictionary(e => (string)e.Attribute("RuntimeIdentifier")!, e => (string)e.Attribute("Id")!);
        Assert.Equal(_packages.ToolRuntimeIdentifiers.Order(), pointed.Keys.Order());
        foreach (var (rid, id) in pointed)
        {
            Assert.Equal($"Vae.Cli.{rid}", id);
            var package = _packages.Package(id);
            string ridSettings = package.Single($"tools/net10.0/{rid}/DotnetToolSettings.xml");
            var command = XDocument.Parse(package.ReadText(ridSettings)).Descendants("Command").Single();
            Assert.Equal("vae", (string?)command.Attribute("Name"));
            string entryPoint = $"tools/net10.0/{rid}/{(string)command.Attribute("EntryPoint")!}";
            Assert.True(package.Entries.Contains(entryPoint), $"{package.FileName}: the entry point {entryPoint} is missing");
            // Only its own platform's natives: no other platform's runtimes folder, and libtorch only once.
            Assert.DoesNotContain(package.Entries, e => e.Contains("/runtimes/", StringComparison.Ordinal));
            _log.WriteLine($"{package.FileName}: {new FileInfo(package.Path).Length / 1e6:F0} MB");
        }
    }

    private ChildProcess.Result Run(string workingDirectory, string fileName, TimeSpan timeout, params string[] arguments)
    {
        var result = ChildProcess.Run(fileName, arguments, timeout, workingDirectory);
        _log.WriteLine($"{result.Command}: {(result.TimedOut ? "timed out" : $"exit {result.ExitCode}")} in {result.Elapsed.TotalSeconds:F1} s");
        Assert.True(!result.TimedOut && result.ExitCode == 0, result.Describe());
        return result;
    }

    /// <summary>The installed tool is this build's (not a same-version package from another source): Vae.Cli.dll matches byte for byte.</summary>
    private static void AssertInstalledFrom(Nupkg package, string toolPath)
    {
        byte[] packed = package.ReadBytes(package.Single("/Vae.Cli.dll"));
        var installed = Directory.GetFiles(Path.Combine(toolPath, ".store"), "Vae.Cli.dll", SearchOption.AllDirectories);
        Assert.True(installed.Length == 1, $"expected one installed Vae.Cli.dll under {toolPath}/.store, found {installed.Length}");
        Assert.True(packed.AsSpan().SequenceEqual(File.ReadAllBytes(installed[0])), $"{installed[0]} differs from the Vae.Cli.dll in {package.FileName}");
    }
}
