using SkiaSharp;

namespace Vae.MLNet;

/// <summary>Renders an error map over its image as a PNG (SkiaSharp, which ML.NET's image transforms already bring).</summary>
internal static class ErrorHeatmap
{
    /// <summary>Opacity of the colormap at the largest error; zero error shows the plain image.</summary>
    private const double MaxOpacity = 0.8;

    public static byte[] Render(float[] pixels, float[] errors, int channels, int height, int width, int scale, float? maxError)
    {
        int plane = height * width;
        var gray = new double[plane];
        var error = new double[plane];
        for (int c = 0; c < channels; c++)
            for (int i = 0; i < plane; i++)
            {
                gray[i] += pixels[c * plane + i] / channels;
                error[i] += errors[c * plane + i];
            }
        double top = maxError ?? error.Max();
        if (!(top > 0))
            top = 1; // a perfect reconstruction: no overlay

        using var bitmap = new SKBitmap(width * scale, height * scale, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                double t = Math.Clamp(error[i] / top, 0, 1);
                var (r, g, b) = Hot(t);
                double a = MaxOpacity * t;
                double v = gray[i];
                var color = new SKColor(Blend(v, r, a), Blend(v, g, a), Blend(v, b, a));
                for (int dy = 0; dy < scale; dy++)
                    for (int dx = 0; dx < scale; dx++)
                        bitmap.SetPixel(x * scale + dx, y * scale + dy, color);
            }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Black → red → yellow → white: the project's one heat colour map (the training figures' heat rows use it too).</summary>
    internal static (double R, double G, double B) Hot(double t) =>
        (Math.Clamp(3 * t, 0, 1), Math.Clamp(3 * t - 1, 0, 1), Math.Clamp(3 * t - 2, 0, 1));

    private static byte Blend(double gray, double color, double alpha) =>
        (byte)Math.Round(255 * Math.Clamp((1 - alpha) * gray + alpha * color, 0, 1));
}
