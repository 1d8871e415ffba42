using System.Reflection;
using System.Text.RegularExpressions;
using Vae.Cli.Tests.Support;

namespace Vae.Cli.Tests.PublicApi;

/// <summary>
/// The public API of each package, pinned by a committed snapshot (tests/Vae.Cli.Tests/PublicApi/&lt;assembly&gt;.txt,
/// written by <see cref="PublicApiWriter"/>). A change to a public type or member fails with a line diff. When
/// the change is intended, regenerate the snapshots and commit them with the change:
/// <code>VAE_UPDATE_PUBLIC_API=1 dotnet test tests/Vae.Cli.Tests --filter "FullyQualifiedName~PublicApi"</code>
/// This project references Vae.Cli, which brings Vae.Training and Vae.MLNet, so all three load here.
/// </summary>
public class PublicApiTests
{
    public const string UpdateVariable = "VAE_UPDATE_PUBLIC_API";

    /// <summary>Words that mark code a package user should never see: protobuf messages, the demo, benchmarks, entry points.</summary>
    private static readonly string[] ForbiddenWords = ["Proto", "Demo", "Benchmark", "Program"];

    public static TheoryData<string> Packages => new() { "Vae.MLNet", "Vae.Training", "Vae.Cli" };

    [Theory]
    [MemberData(nameof(Packages))]
    public void Public_api_matches_the_committed_snapshot(string assemblyName)
    {
        string snapshot = RepoPaths.Combine("tests", "Vae.Cli.Tests", "PublicApi", assemblyName + ".txt");
        string actual = PublicApiWriter.Write(Assembly.Load(assemblyName));
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(snapshot, actual);
            return;
        }
        Assert.True(File.Exists(snapshot), $"No public API snapshot at {snapshot}; create it with {UpdateVariable}=1 (see {nameof(PublicApiTests)}).");
        string diff = LineDiff.Format(Lines(File.ReadAllText(snapshot)), Lines(actual));
        Assert.True(diff.Length == 0,
            $"The public API of {assemblyName} differs from {Path.GetRelativePath(RepoPaths.Root, snapshot)} " +
            $"(- snapshot, + now). If the change is intended, rerun with {UpdateVariable}=1 and commit the file.\n{diff}");
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void No_protobuf_demo_benchmark_or_program_type_is_public(string assemblyName)
    {
        var offenders = new List<string>();
        foreach (var type in PublicApiWriter.Describe(Assembly.Load(assemblyName)))
        {
            string name = PublicApiWriter.TypeName(type.Type);
            if (Forbidden(name) is { } word)
            {
                offenders.Add($"{name} (name contains {word})");
                continue;
            }
            // A public type may still hand one out: a member whose signature names a forbidden type.
            foreach (string line in type.Members.Prepend(type.Header))
                foreach (string used in QualifiedNames(line).Where(n => n != name && Forbidden(n) != null).Distinct())
                    offenders.Add($"{name}: '{line.Trim()}' exposes {used}");
        }
        Assert.True(offenders.Count == 0,
            $"{offenders.Count} public type(s) or member(s) in {assemblyName} that a package user should not see; make them internal:\n  "
            + string.Join("\n  ", offenders));
    }

    /// <summary>The forbidden word in a namespace-qualified type name, or "Google.Protobuf" for protobuf's own types.</summary>
    private static string? Forbidden(string qualifiedName) =>
        qualifiedName.StartsWith("Google.Protobuf.", StringComparison.Ordinal) ? "Google.Protobuf"
            : ForbiddenWords.FirstOrDefault(w => qualifiedName.Contains(w, StringComparison.Ordinal));

    /// <summary>The dotted names (types) in a signature line, string literals (default values) left out.</summary>
    private static IEnumerable<string> QualifiedNames(string line) =>
        Regex.Matches(Regex.Replace(line, "\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""), @"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
            .Select(m => m.Value);

    private static string[] Lines(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
}
