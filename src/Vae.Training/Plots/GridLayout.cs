using SkiaSharp;

namespace Vae.Training.Plots;

/// <summary>
/// Where the title, row labels, cells, column labels and colour bars of an <see cref="ImageGridPlot"/> go,
/// measured from the text so that nothing is clipped; draws the text and places the cells.
/// </summary>
internal sealed class GridLayout
{
    private const int Margin = 12, Gap = 4, LabelPadding = 10, BarWidth = 12, MaxLabelSize = 13, MinLabelSize = 9;

    // The same family as the ScottPlot figures; shared by every grid, never disposed.
    private static readonly SKTypeface Regular = SKTypeface.FromFamilyName(PlotStyle.FontFamily);
    private static readonly SKTypeface Bold = SKTypeface.FromFamilyName(PlotStyle.FontFamily, SKFontStyle.Bold);
    private const float TitleSize = 16;

    private readonly string _title;
    private readonly IReadOnlyList<ImageGridRow> _rows;
    private readonly IReadOnlyList<string[]> _columnLines;
    private readonly float _columnLabelSize;
    private readonly int _columns, _cellWidth, _cellHeight, _gridLeft, _gridTop;

    private GridLayout(string title, IReadOnlyList<ImageGridRow> rows, int cellWidth, int cellHeight,
        IReadOnlyList<string[]> columnLines, float columnLabelSize, int rowLabelWidth, int barSpace)
    {
        _title = title;
        _rows = rows;
        _columns = rows.Max(r => r.Images.Count);
        _cellWidth = cellWidth;
        _cellHeight = cellHeight;
        _columnLines = columnLines;
        _columnLabelSize = columnLabelSize;

        using var titleText = Text(Bold, TitleSize);
        using var columnText = Text(Regular, columnLabelSize);
        int columnLabelHeight = columnLines.Count == 0 ? 0 : (int)Math.Ceiling(columnLines.Max(l => l.Length) * columnText.Spacing) + 6;
        _gridLeft = Margin + rowLabelWidth;
        _gridTop = Margin + (int)Math.Ceiling(titleText.Spacing) + 8;
        FigureWidth = Math.Max(_gridLeft + GridWidth + barSpace + Margin, (int)Math.Ceiling(titleText.MeasureText(title)) + 2 * Margin);
        FigureHeight = _gridTop + GridHeight + columnLabelHeight + Margin;
    }

    public int FigureWidth { get; }
    public int FigureHeight { get; }

    private int GridWidth => _columns * _cellWidth + (_columns - 1) * Gap;
    private int GridHeight => _rows.Count * _cellHeight + (_rows.Count - 1) * Gap;

    /// <summary>Lays out a grid whose cells are <paramref name="cellPixels"/> on their longer side.</summary>
    public static GridLayout Measure(string title, IReadOnlyList<ImageGridRow> rows, IReadOnlyList<string>? columnLabels, int height, int width, int cellPixels)
    {
        double scale = cellPixels / (double)Math.Max(height, width);
        int cellWidth = Math.Max(1, (int)Math.Round(width * scale)), cellHeight = Math.Max(1, (int)Math.Round(height * scale));
        using var labelText = Text(Regular, MaxLabelSize);
        int rowLabelWidth = (int)Math.Ceiling(rows.Max(r => labelText.MeasureText(r.Label))) + LabelPadding;
        // Room for the colour bar and its largest label (G3 format: at most this wide).
        int barSpace = rows.Any(r => r.Coloring == CellColoring.Heat)
            ? 2 * Gap + BarWidth + 4 + (int)Math.Ceiling(labelText.MeasureText("0.000123"))
            : 0;
        var (lines, size) = FitColumnLabels(columnLabels, cellWidth);
        return new GridLayout(title, rows, cellWidth, cellHeight, lines, size, rowLabelWidth, barSpace);
    }

    /// <summary>Title centred on top, row labels right-aligned beside their rows, column labels centred under their columns.</summary>
    public void DrawText(SKCanvas canvas)
    {
        using var ink = Ink();
        using (var titleText = Text(Bold, TitleSize))
            canvas.DrawText(_title, (FigureWidth - titleText.MeasureText(_title)) / 2, Margin - titleText.Metrics.Ascent, titleText, ink);

        using var labelText = Text(Regular, MaxLabelSize);
        for (int r = 0; r < _rows.Count; r++)
        {
            float middle = _gridTop + r * (_cellHeight + Gap) + _cellHeight / 2f;
            string label = _rows[r].Label;
            canvas.DrawText(label, _gridLeft - LabelPadding / 2f - labelText.MeasureText(label), Baseline(labelText, middle), labelText, ink);
        }

        using var columnText = Text(Regular, _columnLabelSize);
        float top = _gridTop + GridHeight + 4;
        for (int c = 0; c < Math.Min(_columns, _columnLines.Count); c++)
        {
            float centre = _gridLeft + c * (_cellWidth + Gap) + _cellWidth / 2f;
            for (int line = 0; line < _columnLines[c].Length; line++)
            {
                string text = _columnLines[c][line];
                canvas.DrawText(text, centre - columnText.MeasureText(text) / 2, top + line * columnText.Spacing - columnText.Metrics.Ascent, columnText, ink);
            }
        }
    }

    /// <summary>Draws one image into its cell, scaled with nearest-neighbour so pixels stay crisp squares.</summary>
    public void DrawCell(SKCanvas canvas, int row, int column, SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var paint = new SKPaint { IsAntialias = false };
        canvas.DrawImage(image, CellRect(row, column), new SKSamplingOptions(SKFilterMode.Nearest), paint);
    }

    /// <summary>A vertical colour bar beside a heat row: 0 at the bottom, <paramref name="maxLabel"/> at the top.</summary>
    public void DrawColorBar(SKCanvas canvas, int row, IReadOnlyList<SKColor> colors, string maxLabel)
    {
        var cell = CellRect(row, 0);
        var bar = new SKRect(_gridLeft + GridWidth + 2 * Gap, cell.Top, _gridLeft + GridWidth + 2 * Gap + BarWidth, cell.Bottom);
        using (var shader = SKShader.CreateLinearGradient(new SKPoint(0, bar.Bottom), new SKPoint(0, bar.Top), colors.ToArray(), SKShaderTileMode.Clamp))
        using (var fill = new SKPaint { Shader = shader })
            canvas.DrawRect(bar, fill);
        using var text = Text(Regular, MinLabelSize + 1);
        using var ink = Ink();
        canvas.DrawText(maxLabel, bar.Right + 4, bar.Top - text.Metrics.Ascent, text, ink);
        canvas.DrawText("0", bar.Right + 4, bar.Bottom - text.Metrics.Descent, text, ink);
    }

    private SKRect CellRect(int row, int column)
    {
        float left = _gridLeft + column * (_cellWidth + Gap), top = _gridTop + row * (_cellHeight + Gap);
        return new SKRect(left, top, left + _cellWidth, top + _cellHeight);
    }

    /// <summary>An antialiased font of the given size (SkiaSharp 3 measures and draws text through SKFont).</summary>
    private static SKFont Text(SKTypeface typeface, float size) =>
        new(typeface, size) { Edging = SKFontEdging.Antialias, Subpixel = true };

    /// <summary>The black, antialiased paint text is drawn with.</summary>
    private static SKPaint Ink() => new() { Color = SKColors.Black, IsAntialias = true };

    private static float Baseline(SKFont text, float middle) => middle - (text.Metrics.Ascent + text.Metrics.Descent) / 2;

    /// <summary>
    /// The largest font size (13 down to 9) at which every column label fits its cell width, breaking labels
    /// at spaces onto further lines when needed; labels still too wide at 9 overflow, centred.
    /// </summary>
    private static (IReadOnlyList<string[]> Lines, float Size) FitColumnLabels(IReadOnlyList<string>? labels, int cellWidth)
    {
        if (labels is not { Count: > 0 })
            return (Array.Empty<string[]>(), MaxLabelSize);
        IReadOnlyList<string[]> lines = Array.Empty<string[]>();
        for (int size = MaxLabelSize; size >= MinLabelSize; size--)
        {
            using var text = Text(Regular, size);
            lines = labels.Select(l => Wrap(text, l, cellWidth)).ToList();
            if (lines.All(ls => ls.All(line => text.MeasureText(line) <= cellWidth)))
                return (lines, size);
        }
        return (lines, MinLabelSize);
    }

    private static string[] Wrap(SKFont text, string label, int width)
    {
        var lines = new List<string>();
        string current = "";
        foreach (string word in label.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = current.Length == 0 ? word : current + " " + word;
            if (current.Length == 0 || text.MeasureText(candidate) <= width)
                current = candidate;
            else
            {
                lines.Add(current);
                current = word;
            }
        }
        lines.Add(current);
        return lines.ToArray();
    }
}
