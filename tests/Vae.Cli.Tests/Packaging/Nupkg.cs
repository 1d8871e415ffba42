using System.IO.Compression;
using System.Text;
using System.Xml.Linq;

namespace Vae.Cli.Tests.Packaging;

/// <summary>A .nupkg opened as what it is, a zip: its nuspec metadata and its entries.</summary>
public sealed class Nupkg
{
    private readonly XNamespace _ns;

    public string Path { get; }
    public XElement Metadata { get; }
    public IReadOnlyList<string> Entries { get; }

    public Nupkg(string path)
    {
        Path = path;
        using var zip = ZipFile.OpenRead(path);
        Entries = zip.Entries.Select(e => e.FullName).ToList();
        var nuspec = zip.Entries.Single(e => !e.FullName.Contains('/', StringComparison.Ordinal) && e.Name.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase));
        using var stream = nuspec.Open();
        var root = XDocument.Load(stream).Root!;
        _ns = root.Name.Namespace;
        Metadata = root.Element(_ns + "metadata")!;
    }

    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>The text of a metadata element (id, version, readme, description, …), or null.</summary>
    public string? this[string element] => (string?)Metadata.Element(_ns + element);

    public XElement? Element(string name) => Metadata.Element(_ns + name);

    public List<string> PackageTypes =>
        Metadata.Element(_ns + "packageTypes")?.Elements(_ns + "packageType").Select(e => (string)e.Attribute("name")!).ToList() ?? [];

    public List<(string Id, string Version)> Dependencies =>
        Metadata.Descendants(_ns + "dependency").Select(d => ((string)d.Attribute("id")!, (string)d.Attribute("version")!)).ToList();

    public byte[] ReadBytes(string entry)
    {
        using var zip = ZipFile.OpenRead(Path);
        var found = zip.GetEntry(entry) ?? throw new FileNotFoundException($"{FileName} has no entry {entry}; it has: {string.Join(", ", Entries)}");
        using var stream = found.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    public string ReadText(string entry) => Encoding.UTF8.GetString(ReadBytes(entry)).TrimStart('\uFEFF');

    /// <summary>The entry whose path ends with <paramref name="suffix"/> (exactly one).</summary>
    public string Single(string suffix)
    {
        var matches = Entries.Where(e => e.EndsWith(suffix, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count == 1, $"{FileName}: expected one entry ending in {suffix}, found [{string.Join(", ", matches)}]");
        return matches[0];
    }
}
