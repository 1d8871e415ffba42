using ScottPlot;
using SkiaSharp;

namespace Vae.Training.Plots;

/// <summary>Sizes, fonts and colours shared by every figure, so the report looks like one document.</summary>
internal static class PlotStyle
{
    public const int Width = 800;
    public const int Height = 500;
    public const float TitleFontSize = 16;
    public const float FontSize = 13;

    /// <summary>
    /// A sans-serif family that is installed. Skia does not resolve generic names like "sans-serif" through
    /// fontconfig aliases (and ScottPlot takes Skia's default typeface): an unknown family silently becomes the
    /// first font found, often a serif. So the first installed of a few common sans families is named explicitly,
    /// on every label of every figure (ScottPlot's global <c>Fonts.Default</c> is left alone).
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
    private static readonly Color[] Category10 =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"), Color.FromHex("#d62728"),
        Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#e377c2"), Color.FromHex("#7f7f7f"),
        Color.FromHex("#bcbd22"), Color.FromHex("#17becf"),
    ];

    /// <summary>Ten distinguishable colours, indexed by class or series (repeating after ten).</summary>
    public static Color Series(int index) => Category10[((index % Category10.Length) + Category10.Length) % Category10.Length];

    /// <summary>
    /// A white figure with a bold title, axis titles, a light major grid, a gray frame and room around the
    /// data, so markers at the extremes are not cut by the frame.
    /// </summary>
    public static Plot Model(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Title(title, TitleFontSize);
        plot.Axes.Title.Label.Bold = true;
        plot.XLabel(xLabel, FontSize);
        plot.YLabel(yLabel, FontSize);
        plot.Axes.Bottom.Label.Bold = false;
        plot.Axes.Left.Label.Bold = false;
        plot.Axes.FrameColor(Colors.Gray);
        plot.Grid.MajorLineColor = Color.FromHex("#e4e4e4");
        plot.Axes.Margins(0.04, 0.04);
        plot.Axes.Title.Label.FontName = FontFamily;
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.Label.FontName = FontFamily;
            axis.TickLabelStyle.FontName = FontFamily;
            axis.TickLabelStyle.FontSize = FontSize - 1;
        }
        plot.Legend.FontName = FontFamily;
        plot.Legend.FontSize = FontSize;
        return plot;
    }

    /// <summary>Shows the legend inside the data area at <paramref name="alignment"/>, on a white, framed background.</summary>
    public static Legend LegendInside(Plot plot, Alignment alignment)
    {
        var legend = plot.ShowLegend(alignment);
        legend.BackgroundColor = Colors.White.WithAlpha(230);
        legend.OutlineColor = Colors.Gray;
        legend.ShadowColor = Colors.Transparent;
        legend.SymbolWidth = 32; // long enough to show a dash pattern
        return legend;
    }

    /// <summary>Shows the legend outside the data area, on <paramref name="edge"/>, without a frame.</summary>
    public static Legend LegendOutside(Plot plot, Edge edge, Alignment alignment = Alignment.MiddleCenter)
    {
        plot.ShowLegend(edge).Alignment = alignment;
        var legend = plot.Legend;
        legend.OutlineWidth = 0;
        legend.ShadowColor = Colors.Transparent;
        legend.SymbolWidth = 32;
        return legend;
    }

    /// <summary>Renders <paramref name="plot"/> to PNG bytes of the given size.</summary>
    public static byte[] Render(Plot plot, int width, int height) => plot.GetImageBytes(width, height, ImageFormat.Png);

    /// <summary>Renders <paramref name="plot"/> to PNG and writes it atomically.</summary>
    public static string Save(Plot plot, string path, int width = Width, int height = Height) =>
        PngFile.Write(path, Render(plot, width, height));
}
