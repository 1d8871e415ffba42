using ScottPlot;

namespace Vae.Training.Plots;

/// <summary>Sizes and colours shared by every figure, so the report looks like one document.</summary>
internal static class PlotStyle
{
    public const int Width = 800;
    public const int Height = 500;

    /// <summary>Ten distinguishable colours (ScottPlot's Category10), indexed by class or series.</summary>
    public static Color Series(int index) => new ScottPlot.Palettes.Category10().GetColor(index);

    /// <summary>Renders <paramref name="plot"/> to PNG and writes it atomically.</summary>
    public static string Save(Plot plot, string path, int width = Width, int height = Height)
    {
        byte[] png = plot.GetImageBytes(width, height, ImageFormat.Png);
        return PngFile.Write(path, png);
    }
}
