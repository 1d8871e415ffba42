using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Vae.Notebooks.Tests;

/// <summary>
/// Executes a notebook's C# cells in order in one Roslyn scripting session, the way .NET Interactive
/// would: state carries over between cells, <c>display(x)</c> is available. <c>#r "nuget: …"</c> lines
/// are served by the assemblies this test project builds (a user gets them from NuGet), so the test
/// proves the notebooks against the code in this repository. A cell tagged <c>parameters</c> (the
/// papermill convention) can be replaced to run on small data.
/// </summary>
public sealed partial class NotebookRunner
{
    // Packages the notebooks may ask for; each is already loaded in this process through the project reference.
    private static readonly HashSet<string> ServedPackages = new(StringComparer.OrdinalIgnoreCase)
    {
        "Vae.MLNet", "Vae.Training", "Microsoft.ML", "Microsoft.ML.OnnxTransformer", "Microsoft.ML.OnnxRuntime",
        "Microsoft.ML.ImageAnalytics", "TorchSharp-cpu", "SkiaSharp",
    };

    [GeneratedRegex(@"^\s*#r\s+""nuget:\s*([^,""\s]+)[^""]*""\s*$")]
    private static partial Regex NugetReference();

    [GeneratedRegex(@"^\s*#!(csharp|c#)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex KernelMagic();

    /// <summary>What the notebook passed to <c>display</c>, in order.</summary>
    public List<object?> Displayed { get; } = new();

    /// <summary>Variables of the last completed cell, for assertions.</summary>
    public IReadOnlyDictionary<string, object?> Variables { get; private set; } = new Dictionary<string, object?>();

    /// <summary>Runs every code cell; throws <see cref="NotebookCellException"/> naming the first cell that fails.</summary>
    public async Task RunAsync(string notebookPath, string? parametersOverride = null, string? workingDirectory = null)
    {
        var cells = NotebookFile.Read(notebookPath);
        var options = ScriptOptions.Default
            .AddReferences(LoadedAssemblies())
            .AddImports("System", "System.IO", "System.Linq", "System.Collections.Generic", "System.Threading.Tasks")
            .WithFilePath(notebookPath)
            .WithEmitDebugInformation(false);
        var globals = new NotebookGlobals(Displayed);
        // Only a run that moves the current directory restores it (restoring a folder another run has
        // since deleted would fail).
        string? previousDirectory = workingDirectory != null ? Directory.GetCurrentDirectory() : null;
        if (workingDirectory != null) Directory.SetCurrentDirectory(workingDirectory);
        try
        {
            ScriptState<object>? state = null;
            foreach (var cell in cells.Where(c => c.Kind == "code"))
            {
                string code = Translate(cell, notebookPath, parametersOverride);
                try
                {
                    state = state == null
                        ? await CSharpScript.RunAsync(code, options, globals, typeof(NotebookGlobals))
                        : await state.ContinueWithAsync(code, options);
                }
                catch (Exception e)
                {
                    throw new NotebookCellException(notebookPath, cell.Index, code, e);
                }
                if (state.ReturnValue != null) Displayed.Add(state.ReturnValue);
            }
            if (state != null)
                Variables = state.Variables.GroupBy(v => v.Name).ToDictionary(g => g.Key, g => (object?)g.Last().Value);
        }
        finally
        {
            if (previousDirectory != null) Directory.SetCurrentDirectory(previousDirectory);
        }
    }

    private static string Translate(NotebookCell cell, string notebookPath, string? parametersOverride)
    {
        if (parametersOverride != null && cell.Tags.Contains("parameters"))
            return parametersOverride;
        var lines = cell.Source.Split('\n').Select(line =>
        {
            if (KernelMagic().IsMatch(line)) return "";
            var nuget = NugetReference().Match(line);
            if (!nuget.Success) return line;
            string package = nuget.Groups[1].Value;
            if (!ServedPackages.Contains(package))
                throw new InvalidOperationException(
                    $"{notebookPath}, cell {cell.Index}: '#r \"nuget: {package}\"' is not among the packages the test serves locally ({string.Join(", ", ServedPackages)}).");
            return "// " + line.Trim() + "  (served by the local build)";
        });
        return string.Join('\n', lines);
    }

    private static IEnumerable<Assembly> LoadedAssemblies()
    {
        // Load every managed assembly next to the tests so the notebooks see the same set a NuGet restore gives.
        foreach (string dll in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
        {
            AssemblyName name;
            try { name = AssemblyName.GetAssemblyName(dll); }
            catch (BadImageFormatException) { continue; } // native library
            Assembly? assembly = null;
            try { assembly = Assembly.Load(name); }
            catch (FileLoadException) { }
            catch (FileNotFoundException) { }
            if (assembly != null && !assembly.IsDynamic) yield return assembly;
        }
    }
}

/// <summary>What a notebook cell can call besides its own code.</summary>
public sealed class NotebookGlobals(List<object?> displayed)
{
    /// <summary>.NET Interactive's <c>display</c>: here it records the value.</summary>
    public object? display(object? value)
    {
        displayed.Add(value);
        return value;
    }
}

/// <summary>A notebook cell failed; the message names the notebook and the cell.</summary>
public sealed class NotebookCellException(string notebook, int cellIndex, string code, Exception inner)
    : Exception($"{Path.GetFileName(notebook)}: cell {cellIndex} failed: {inner.GetType().Name}: {inner.Message}\n--- cell source ---\n{code}", inner);
