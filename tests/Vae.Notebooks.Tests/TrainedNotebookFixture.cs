namespace Vae.Notebooks.Tests;

/// <summary>Runs notebook 1 once, on small settings, so notebook 2 can load the model it writes.</summary>
public sealed class TrainedNotebookFixture : IAsyncLifetime
{
    public string OutputDirectory { get; } = System.IO.Directory.CreateTempSubdirectory("notebook01-").FullName;
    public NotebookRunner Runner { get; } = new();

    public Task InitializeAsync() => Runner.RunAsync(NotebookPaths.Of("01-train.ipynb"), $$"""
        string? dataDirectory = null;
        int imageCount = 1_500;
        int epochs = 2;
        string outputDirectory = @"{{OutputDirectory}}";
        """, workingDirectory: OutputDirectory);

    public Task DisposeAsync()
    {
        System.IO.Directory.Delete(OutputDirectory, recursive: true);
        return Task.CompletedTask;
    }
}
