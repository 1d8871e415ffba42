using Vae.Tests.Shared;
using System.Security.Cryptography;
using System.Text;

namespace Vae.Notebooks.Tests;

/// <summary>
/// Runs notebooks as a user does, in the real .NET Interactive C# kernel: <c>dotnet repl --run NOTEBOOK
/// --exit-after-run --output-path EXECUTED</c> (dotnet-repl from the repository's tool manifest), started in the
/// notebook's folder as VS Code starts the kernel. Created once per test class, it first packs the libraries into
/// <c>artifacts/packages</c> — the folder the notebooks' first cell hands to <c>#i "nuget: …"</c> — with the command the
/// README gives, and restores the tool.
/// <para>
/// The kernel restores into a NuGet packages folder of its own (RestorePackagesPath), kept between runs under the temp
/// folder: the packages are 0.1.0 on every pack, so the machine's global cache would serve a stale earlier pack. Only
/// Vae.MLNet and Vae.Training are removed from it before a run, and so are the kernel's cached resolutions naming them;
/// the rest (libtorch, ONNX Runtime) is extracted once.
/// Its per-user cache (XDG_CACHE_HOME, where Vae.Training puts its patched libLibTorchSharp.so) is fresh per run.
/// </para>
/// </summary>
public sealed class NotebookKernel : IDisposable
{
    /// <summary>Small settings for CI (the notebooks read them from the environment; defaults are 10,000 images, 10 epochs).</summary>
    public const int Images = 1_500, Epochs = 2;

    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(3);
    // The first run on a machine extracts libtorch and ONNX Runtime (~2 GB) into the kernel's packages folder.
    private static readonly TimeSpan NotebookTimeout = TimeSpan.FromMinutes(15);

    private readonly string _work = Directory.CreateTempSubdirectory("vae-notebooks-").FullName;

    public NotebookKernel()
    {
        Packages = Path.Combine(NotebookPaths.Root, "artifacts", "packages");
        NuGetPackages = Path.Combine(Path.GetTempPath(), "vae-notebook-tests",
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(NotebookPaths.Root)))[..12], "nuget-packages");
        OutputDirectory = Directory.CreateDirectory(Path.Combine(_work, "out")).FullName;
        CacheDirectory = Directory.CreateDirectory(Path.Combine(_work, "cache")).FullName;

        if (Directory.Exists(Packages))
            foreach (string stale in Directory.GetFiles(Packages, "Vae.*.nupkg")) File.Delete(stale);
        // The README's command. Its .nuspec files go to a folder of this run: Vae.Cli.Tests' pack test may pack the same
        // projects at the same time (dotnet test runs test assemblies in parallel), and both would write obj/Release.
        Pack = ChildProcess.Run(ChildProcess.Dotnet,
            ["pack", "notebooks/packages.slnf", "-c", "Release", "-o", "artifacts/packages", "-nodeReuse:false", "-p:UseSharedCompilation=false",
             $"-p:NuspecOutputPath={Path.Combine(_work, "nuspec")}{Path.DirectorySeparatorChar}"],
            PackTimeout, NotebookPaths.Root);
        ToolRestore = ChildProcess.Run(ChildProcess.Dotnet, ["tool", "restore"], ToolTimeout, NotebookPaths.Root);
        foreach (string package in OurPackages)
        {
            string stale = Path.Combine(NuGetPackages, package);
            if (Directory.Exists(stale)) Directory.Delete(stale, recursive: true);
        }
        ForgetCachedResolutions();
        Train = Ready ? Run("01-train.ipynb") : null;
    }

    /// <summary>The folder the notebooks get the packages from.</summary>
    public string Packages { get; }
    /// <summary>The kernel's own NuGet packages folder.</summary>
    public string NuGetPackages { get; }
    /// <summary>VAE_NOTEBOOK_OUT: notebook 1 writes notebook-01/ here, notebook 2 reads it, notebook 3 writes notebook-03/.</summary>
    public string OutputDirectory { get; }
    /// <summary>XDG_CACHE_HOME of the kernel.</summary>
    public string CacheDirectory { get; }
    public ChildProcess.Result Pack { get; }
    public ChildProcess.Result ToolRestore { get; }
    /// <summary>Notebook 1, run once: notebook 2 loads the model it writes.</summary>
    public ExecutedNotebook? Train { get; }

    /// <summary>Whether packing and the tool restore worked (else the runs are not attempted).</summary>
    public bool Ready => Pack.Succeeded && ToolRestore.Succeeded;

    /// <summary>What stopped the runs, for an assertion message.</summary>
    public string SetupFailure => !Pack.Succeeded ? Pack.Describe() : ToolRestore.Describe();

    /// <summary>
    /// Runs a notebook of the repository's notebooks/ folder, or any notebook at <paramref name="path"/>;
    /// <paramref name="settings"/> adds or overrides VAE_NOTEBOOK_* variables.
    /// </summary>
    public ExecutedNotebook Run(string notebook, string? path = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        string source = path ?? NotebookPaths.Of(notebook);
        string executed = Path.Combine(_work, "executed", Path.GetFileName(source));
        Directory.CreateDirectory(Path.GetDirectoryName(executed)!);
        var environment = new Dictionary<string, string?>
        {
            ["RestorePackagesPath"] = NuGetPackages,
            ["XDG_CACHE_HOME"] = CacheDirectory,
            ["VAE_NOTEBOOK_OUT"] = OutputDirectory,
            ["VAE_NOTEBOOK_IMAGES"] = Images.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["VAE_NOTEBOOK_EPOCHS"] = Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["VAE_NOTEBOOK_DATA"] = null,       // the embedded sample
            ["VAE_NOTEBOOK_PACKAGES"] = null,   // the notebook finds artifacts/packages itself
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
            environment[name] = value;
        // In the notebook's folder, as VS Code starts the kernel; a notebook outside the repository runs from its root
        // (dotnet finds the tool manifest, .config/dotnet-tools.json, from the working directory up).
        string folder = Path.GetDirectoryName(source)!;
        string workingDirectory = folder.StartsWith(NotebookPaths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? folder : NotebookPaths.Root;
        var process = ChildProcess.Run(ChildProcess.Dotnet, ["repl", "--run", source, "--exit-after-run", "--output-path", executed],
            NotebookTimeout, workingDirectory, environment);
        return new ExecutedNotebook(Path.GetFileName(source), process, File.Exists(executed) ? NotebookFile.Read(executed) : []);
    }

    private static readonly string[] OurPackages = ["vae.mlnet", "vae.training"];

    /// <summary>
    /// The kernel's package resolver (F#'s DependencyManager) caches each resolution in ~/.packagemanagement/nuget/Cache,
    /// keyed by the <c>#i</c>/<c>#r</c> lines alone, and reuses it while the files it lists exist — a 0.1.0 resolved before
    /// (by a user's kernel in this clone, or an earlier pack) would be served again. Entries naming our packages go
    /// (with <paramref name="onlyUnder"/>, only those resolved into that folder).
    /// </summary>
    private static void ForgetCachedResolutions(string? onlyUnder = null)
    {
        string cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".packagemanagement", "nuget", "Cache");
        if (!Directory.Exists(cache)) return;
        foreach (string resolution in Directory.GetFiles(cache, "*.resolvedReferences.paths"))
        {
            string text = File.ReadAllText(resolution);
            if (!OurPackages.Any(package => text.Contains($"/{package}/", StringComparison.OrdinalIgnoreCase))) continue;
            if (onlyUnder != null && !text.Contains(onlyUnder, StringComparison.Ordinal)) continue;
            string hash = Path.GetFileName(resolution)[..^".resolvedReferences.paths".Length];
            foreach (string entry in Directory.GetFiles(cache, hash + ".*")) File.Delete(entry);
        }
    }

    public void Dispose()
    {
        // A user's kernel in this clone would otherwise reuse our resolutions into the test's packages folder.
        ForgetCachedResolutions(onlyUnder: NuGetPackages + Path.DirectorySeparatorChar);
        if (Environment.GetEnvironmentVariable("VAE_KEEP_TEST_OUTPUT") != "1") Directory.Delete(_work, recursive: true);
    }
}
