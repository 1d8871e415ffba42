namespace Vae.Cli.Tests.Support;

/// <summary>Paths in the source tree, found from the test's bin folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaeMLNet.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Repository root (VaeMLNet.sln) not found above " + AppContext.BaseDirectory);
    }
}
