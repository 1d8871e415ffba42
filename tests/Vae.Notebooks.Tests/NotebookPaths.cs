namespace Vae.Notebooks.Tests;

/// <summary>Finds the repository's notebooks/ folder from the test's output directory.</summary>
internal static class NotebookPaths
{
    public static string Directory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "notebooks");
            if (File.Exists(Path.Combine(candidate, "01-train.ipynb"))) return candidate;
        }
        throw new DirectoryNotFoundException($"notebooks/01-train.ipynb not found above {AppContext.BaseDirectory}.");
    }

    public static string Of(string name) => Path.Combine(Directory(), name);
}
