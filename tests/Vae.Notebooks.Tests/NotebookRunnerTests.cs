using System.Text.Json;

namespace Vae.Notebooks.Tests;

/// <summary>The runner itself: a notebook test is only as good as the runner's failures.</summary>
[Collection(NotebookRunsCollection.Name)]
public class NotebookRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nbrunner-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(params (string Source, string[] Tags)[] cells)
    {
        var nb = new
        {
            cells = cells.Select(c => new
            {
                cell_type = "code",
                execution_count = (int?)null,
                metadata = new { dotnet_interactive = new { language = "csharp" }, tags = c.Tags },
                outputs = Array.Empty<object>(),
                source = SplitLines(c.Source),
            }),
            metadata = new { kernelspec = new { name = ".net-csharp", language = "C#", display_name = ".NET (C#)" } },
            nbformat = 4,
            nbformat_minor = 5,
        };
        string path = Path.Combine(_dir, $"nb{Guid.NewGuid():N}.ipynb");
        File.WriteAllText(path, JsonSerializer.Serialize(nb));
        return path;
    }

    private static string[] SplitLines(string source)
    {
        var lines = source.Split('\n');
        return lines.Select((l, i) => i < lines.Length - 1 ? l + "\n" : l).ToArray();
    }

    [Fact]
    public async Task StateCarriesAcrossCellsAndDisplayIsRecorded()
    {
        string path = Write(("#r \"nuget: Microsoft.ML, 5.0.1\"\nvar x = 20;", Array.Empty<string>()), ("display(x + 22);", Array.Empty<string>()));
        var runner = new NotebookRunner();
        await runner.RunAsync(path);
        Assert.Equal(42, Assert.Single(runner.Displayed));
        Assert.Equal(20, runner.Variables["x"]);
    }

    [Fact]
    public async Task FailingCellIsNamed()
    {
        string path = Write(("var a = 1;", Array.Empty<string>()), ("throw new InvalidOperationException(\"boom\");", Array.Empty<string>()));
        var e = await Assert.ThrowsAsync<NotebookCellException>(() => new NotebookRunner().RunAsync(path));
        Assert.Contains("cell 1", e.Message);
        Assert.Contains("boom", e.Message);
    }

    [Fact]
    public async Task CompileErrorFailsTheCell()
    {
        string path = Write(("int y = \"not an int\";", Array.Empty<string>()));
        var e = await Assert.ThrowsAsync<NotebookCellException>(() => new NotebookRunner().RunAsync(path));
        Assert.Contains("cell 0", e.Message);
    }

    [Fact]
    public async Task UnknownPackageIsRefused()
    {
        string path = Write(("#r \"nuget: Some.Unknown.Package, 1.0\"", Array.Empty<string>()));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new NotebookRunner().RunAsync(path));
        Assert.Contains("Some.Unknown.Package", e.Message);
    }

    [Fact]
    public async Task ParametersCellIsReplaced()
    {
        string path = Write(("var epochs = 50;", new[] { "parameters" }), ("display(epochs);", Array.Empty<string>()));
        var runner = new NotebookRunner();
        await runner.RunAsync(path, parametersOverride: "var epochs = 1;");
        Assert.Equal(1, Assert.Single(runner.Displayed));
    }
}
