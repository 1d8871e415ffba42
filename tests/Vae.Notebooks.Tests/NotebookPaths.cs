namespace Vae.Notebooks.Tests;

/// <summary>The repository and its notebooks/ folder, found from the test's output directory.</summary>
internal static class NotebookPaths
{
    public static string Root { get; } = FindRoot();

    public static string Directory() => Path.Combine(Root, "notebooks");

    public static string Of(string name) => Path.Combine(Directory(), name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "notebooks", "01-train.ipynb")) && File.Exists(Path.Combine(dir.FullName, "VaeMLNet.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"notebooks/01-train.ipynb and VaeMLNet.sln not found above {AppContext.BaseDirectory}.");
    }
}
