using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.SkiaSharp;
using SkiaSharp;

namespace Vae.Training.Plots;

/// <summary>Sizes, fonts and colours shared by every figure, so the report looks like one document.</summary>
internal static class PlotStyle
{
    public const int Width = 800;
    public const int Height = 500;
    public const double TitleFontSize = 16;
    public const double FontSize = 13;

    /// <summary>
    /// A sans-serif family that is installed. Skia does not resolve generic names like "sans-serif" through
    /// fontconfig aliases (and OxyPlot asks for "Segoe UI"): an unknown family silently becomes the first font
    /// found, often a serif. So the first installed of a few common sans families is named explicitly.
    /// </summary>
    public static readonly string FontFamily = FindSansFamily();

    private static string FindSansFamily()
    {
        foreach (string family in new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "Segoe UI" })
        {
            using var match = SKFontManager.Default.MatchFamily(family);
            if (match != null) return family;
        }
        return SKTypeface.Default.FamilyName;
    }

    // Category10 (matplotlib's/D3's default cycle): ten colours that stay distinguishable on white.
    private static readonly OxyColor[] Category10 =
    [
        OxyColor.FromRgb(0x1f, 0x77, 0xb4), OxyColor.FromRgb(0xff, 0x7f, 0x0e), OxyColor.FromRgb(0x2c, 0xa0, 0x2c),
        OxyColor.FromRgb(0xd6, 0x27, 0x28), OxyColor.FromRgb(0x94, 0x67, 0xbd), OxyColor.FromRgb(0x8c, 0x56, 0x4b),
        OxyColor.FromRgb(0xe3, 0x77, 0xc2), OxyColor.FromRgb(0x7f, 0x7f, 0x7f), OxyColor.FromRgb(0xbc, 0xbd, 0x22),
        OxyColor.FromRgb(0x17, 0xbe, 0xcf),
    ];

    /// <summary>Ten distinguishable colours, indexed by class or series (repeating after ten).</summary>
    public static OxyColor Series(int index) => Category10[((index % Category10.Length) + Category10.Length) % Category10.Length];

    /// <summary>A white figure with a title and the shared fonts.</summary>
    public static PlotModel Model(string title) => new()
    {
        Title = title,
        DefaultFont = FontFamily,
        TitleFontSize = TitleFontSize,
        TitleFontWeight = FontWeights.Bold,
        DefaultFontSize = FontSize,
        Background = OxyColors.White,
        PlotAreaBorderColor = OxyColors.Gray,
    };

    /// <summary>A linear axis with a title and a light major grid.</summary>
    public static LinearAxis Axis(AxisPosition position, string title) => new()
    {
        Position = position,
        Title = title,
        MajorGridlineStyle = LineStyle.Solid,
        MajorGridlineColor = OxyColor.FromRgb(0xe4, 0xe4, 0xe4),
        // Room around the data, so markers at the extremes are not cut by the frame.
        MinimumPadding = 0.04,
        MaximumPadding = 0.04,
    };

    /// <summary>A legend with a white, framed background.</summary>
    public static Legend Legend(LegendPosition position, LegendPlacement placement = LegendPlacement.Inside) => new()
    {
        LegendPosition = position,
        LegendPlacement = placement,
        LegendBackground = OxyColor.FromAColor(230, OxyColors.White),
        LegendBorder = OxyColors.Gray,
        LegendFontSize = FontSize,
        LegendSymbolLength = 32, // long enough to show a dash pattern
    };

    /// <summary>Renders <paramref name="model"/> to PNG bytes of the given size.</summary>
    public static byte[] Render(PlotModel model, int width, int height)
    {
        using var stream = new MemoryStream();
        new PngExporter { Width = width, Height = height }.Export(model, stream);
        return stream.ToArray();
    }

    /// <summary>Renders <paramref name="model"/> to PNG and writes it atomically.</summary>
    public static string Save(PlotModel model, string path, int width = Width, int height = Height) =>
        PngFile.Write(path, Render(model, width, height));
}
