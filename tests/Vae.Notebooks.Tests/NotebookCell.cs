namespace Vae.Notebooks.Tests;

/// <summary>One cell of a .ipynb file: its kind, source text, tags and whether it holds outputs.</summary>
public sealed record NotebookCell(int Index, string Kind, string Source, IReadOnlyList<string> Tags, int OutputCount);
