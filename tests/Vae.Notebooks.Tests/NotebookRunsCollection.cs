namespace Vae.Notebooks.Tests;

/// <summary>
/// Every test that runs a notebook belongs here, so they run one after another: a notebook runs in the
/// process's current directory, which is global, and a runner restoring it while another test's run has
/// moved it into a temp folder (then deleted) fails with DirectoryNotFoundException.
/// </summary>
[CollectionDefinition(Name)]
public sealed class NotebookRunsCollection
{
    public const string Name = "Notebook runs (share the process's current directory)";
}
