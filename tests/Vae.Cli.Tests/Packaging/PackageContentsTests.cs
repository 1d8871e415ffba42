using System.Text.RegularExpressions;
using Vae.Cli.Tests.Support;
using Xunit.Abstractions;

namespace Vae.Cli.Tests.Packaging;

/// <summary>
/// What each package carries, read from the .nupkg files <see cref="PackedPackages"/> made: its own README (not the
/// repository's), the licence, XML docs for the libraries, the repository metadata, the dependencies, and the
/// buildTransitive targets that consumers' builds import; and <c>dotnet pack</c> printed no warning.
/// </summary>
[Trait("Category", "Pack")]
[Collection(PackagesCollection.Name)]
public sealed class PackageContentsTests
{
    private static readonly string[] Libraries = ["Vae.MLNet", "Vae.Training"];
    private readonly PackedPackages _packages;
    private readonly ITestOutputHelper _log;

    public PackageContentsTests(PackedPackages packages, ITestOutputHelper log) => (_packages, _log) = (packages, log);

    public static TheoryData<string> Packages => new(PackedPackages.Projects);

    [Theory]
    [MemberData(nameof(Packages))]
    public void Pack_prints_no_warning(string project)
    {
        var run = _packages.PackRuns[project];
        _log.WriteLine($"{run.Command}: {run.Elapsed.TotalSeconds:F1} s (all three: {_packages.PackTime.TotalSeconds:F0} s)");
        var warnings = PackedPackages.Warnings(run.Output);
        Assert.True(warnings.Count == 0, $"dotnet pack {project} warned:\n{string.Join('\n', warnings)}");
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Each_package_has_its_own_readme_the_licence_and_the_repository(string id)
    {
        var package = _packages.Package(id);
        Assert.Equal(id, package["id"]);
        Assert.Equal(_packages.Version, package["version"]);
        Assert.False(string.IsNullOrWhiteSpace(package["description"]), $"{id}: no description");

        Assert.Equal("README.md", package["readme"]);
        string readme = package.ReadText("README.md");
        Assert.NotEqual(Normalize(File.ReadAllText(RepoPaths.Combine("README.md"))), Normalize(readme));
        Assert.Equal(Normalize(File.ReadAllText(RepoPaths.Combine("src", id, "PACKAGE.md"))), Normalize(readme));
        Assert.StartsWith($"# {id}", readme, StringComparison.Ordinal);

        Assert.Equal("MIT", package["license"]);
        Assert.Equal("expression", (string?)package.Element("license")!.Attribute("type"));
        Assert.Equal(Normalize(File.ReadAllText(RepoPaths.Combine("LICENSE"))), Normalize(package.ReadText("LICENSE")));

        var repository = package.Element("repository");
        Assert.True(repository != null, $"{id}: no <repository> in the nuspec");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Matches("^https://", (string?)repository.Attribute("url") ?? "");
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? "");
    }

    [Theory]
    [MemberData(nameof(LibraryIds))]
    public void Libraries_carry_their_XML_docs_and_are_not_tools(string id)
    {
        var package = _packages.Package(id);
        Assert.DoesNotContain("DotnetTool", package.PackageTypes);
        Assert.Contains($"lib/net10.0/{id}.dll", package.Entries);
        Assert.Contains($"lib/net10.0/{id}.xml", package.Entries);
    }

    public static TheoryData<string> LibraryIds => new(Libraries);

    [Fact]
    public void Vae_MLNet_depends_on_MLNET_and_ONNX_Runtime_never_on_TorchSharp()
    {
        var package = _packages.Package("Vae.MLNet");
        var ids = package.Dependencies.Select(d => d.Id).ToList();
        foreach (string needed in new[] { "Microsoft.ML", "Microsoft.ML.OnnxTransformer", "Microsoft.ML.OnnxRuntime", "Microsoft.ML.ImageAnalytics" })
            Assert.Contains(needed, ids);
        Assert.DoesNotContain(ids, i => i.Contains("Torch", StringComparison.OrdinalIgnoreCase) || i.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase));
        AssertShipsTargets(package, "Vae.MLNet.targets");
    }

    [Fact]
    public void Vae_Training_depends_on_Vae_MLNet_and_TorchSharp_and_ships_the_libstdcxx_fix_without_compiling_it_into_consumers()
    {
        var package = _packages.Package("Vae.Training");
        Assert.Contains(("Vae.MLNet", _packages.Version), package.Dependencies); // the project reference became a package dependency
        Assert.Contains("TorchSharp-cpu", package.Dependencies.Select(d => d.Id));
        AssertShipsTargets(package, "Vae.Training.targets");
        // The task's source sits beside the targets; nothing under content/ or contentFiles/ (which would compile into the consumer).
        Assert.Equal(File.ReadAllBytes(RepoPaths.Combine("build", "GlibcxxWeakVersionPatch.cs")), package.ReadBytes("buildTransitive/GlibcxxWeakVersionPatch.cs"));
        Assert.DoesNotContain(package.Entries, e => e.StartsWith("content", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>buildTransitive/{file} is the repository's build/{file}, byte for byte: the repository builds with what consumers get.</summary>
    private static void AssertShipsTargets(Nupkg package, string file)
    {
        Assert.Contains($"buildTransitive/{file}", package.Entries);
        Assert.Equal(File.ReadAllBytes(RepoPaths.Combine("build", file)), package.ReadBytes($"buildTransitive/{file}"));
        Assert.Contains($"<Import Project=\"build/{file}\" />", File.ReadAllText(RepoPaths.Combine("Directory.Build.targets")), StringComparison.Ordinal);
    }

    private static string Normalize(string text) => Regex.Replace(text.TrimStart('\uFEFF'), @"\r\n", "\n").Trim();
}
