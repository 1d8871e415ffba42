using Vae.Reliability.Tests.Support;
using Vae.Tests.Shared;

namespace Vae.Reliability.Tests;

/// <summary>
/// An object owning ONNX Runtime sessions (a featurizer with its own threads, a detector, a VaeModel) disposed
/// while a PredictionEngine (OwnsTransformer = false), a view, a cursor or another thread still uses it: every
/// later use is an ObjectDisposedException naming the disposed type, never a run on a freed session. Each
/// scenario runs repeatedly in a child process (tests/Vae.Reliability.UseAfterDispose) because the failure
/// this guards against is a SIGSEGV, which would otherwise end the whole test run.
/// </summary>
[Trait("Category", "Crash")]
public sealed class UseAfterDisposeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("featurizer-engine")]
    [InlineData("featurizer-view")]
    [InlineData("model-under-featurizer")]
    [InlineData("detector-view")]
    [InlineData("concurrent")]
    public void Use_after_Dispose_is_an_ObjectDisposedException_naming_the_object(string scenario)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string dll = Path.Combine(Data.RepoRoot, "tests", "Vae.Reliability.UseAfterDispose", "bin", testBin.Parent!.Name, testBin.Name,
            "Vae.Reliability.UseAfterDispose.dll");
        Assert.True(File.Exists(dll), $"the scenario program is not built at {dll}");
        var result = ChildProcess.Run(ChildProcess.Dotnet, [dll, Data.RepoRoot, scenario, "6"], TimeSpan.FromMinutes(4));
        output.WriteLine(result.Output);
        // 139/134 = SIGSEGV/SIGABRT: the crash this test exists for; 2 = a use that did not throw ObjectDisposedException.
        Assert.True(result.Succeeded, result.Describe());
        Assert.DoesNotContain("FAIL", result.Output, StringComparison.Ordinal);
        Assert.Contains("OK ", result.Output, StringComparison.Ordinal);
    }
}
