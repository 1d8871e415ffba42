namespace Vae.Training.Plots;

/// <summary>Writes PNG bytes atomically: a temp file beside the target, then a rename.</summary>
public static class PngFile
{
    /// <summary>Writes <paramref name="png"/> to <paramref name="path"/> (creating its folder) via a temp file.</summary>
    public static string Write(string path, byte[] png)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(png);
        if (png.Length < 8 || png[0] != 0x89 || png[1] != (byte)'P')
            throw new ArgumentException($"{path}: the bytes to write are not a PNG image (got {png.Length} bytes).", nameof(png));
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temp, png);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return full;
    }
}
