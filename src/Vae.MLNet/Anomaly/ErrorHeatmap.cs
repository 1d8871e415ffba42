using SkiaSharp;

namespace Vae.MLNet;

/// <summary>
/// Renders an error map over its image as a PNG (SkiaSharp, which ML.NET's image transforms already bring).
/// The error per location is given already summed over channels; t = error / top ∈ [0, 1] picks the colour.
/// </summary>
internal static class ErrorHeatmap
{
    /// <summary>Gray images: opacity of the hot colormap at the largest error; zero error shows the plain image.</summary>
    public const double GrayMaxOpacity = 0.8;

    /// <summary>
    /// RGB images: the opacity of the inferno overlay, the same at every location, so the colour alone tells
    /// the error (a fading overlay would let the image's own colours pass for error colours). 0.7 lets the
    /// map's hue win: at 0.5 a blue part of the image under a mid error blended to purple, inferno's low end.
    /// </summary>
    public const double ColorOverlayAlpha = 0.7;

    /// <summary>
    /// A PNG of W·scale × H·scale: for C = 3 the RGB image with <see cref="InfernoColormap"/> blended on top
    /// at <see cref="ColorOverlayAlpha"/>; otherwise the channel mean in gray with <see cref="Hot"/> blended at
    /// opacity <see cref="GrayMaxOpacity"/>·t.
    /// </summary>
    public static byte[] Render(float[] pixels, IReadOnlyList<float> locationErrors, int channels, int height, int width, int scale, float? maxError)
    {
        int plane = height * width;
        double top = maxError ?? locationErrors.Max();
        if (!(top > 0))
            top = 1; // a perfect reconstruction: t = 0 everywhere

        using var bitmap = new SKBitmap(width * scale, height * scale, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                double t = Math.Clamp(locationErrors[i] / top, 0, 1);
                var color = channels == 3 ? ColorLocation(pixels, plane, i, t) : GrayLocation(pixels, channels, plane, i, t);
                for (int dy = 0; dy < scale; dy++)
                    for (int dx = 0; dx < scale; dx++)
                        bitmap.SetPixel(x * scale + dx, y * scale + dy, color);
            }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static SKColor ColorLocation(float[] pixels, int plane, int i, double t)
    {
        var (r, g, b) = InfernoColormap.Color(t);
        return new SKColor(
            Blend(pixels[i], r, ColorOverlayAlpha),
            Blend(pixels[plane + i], g, ColorOverlayAlpha),
            Blend(pixels[2 * plane + i], b, ColorOverlayAlpha));
    }

    private static SKColor GrayLocation(float[] pixels, int channels, int plane, int i, double t)
    {
        double gray = 0;
        for (int c = 0; c < channels; c++)
            gray += pixels[c * plane + i] / channels;
        var (r, g, b) = Hot(t);
        double a = GrayMaxOpacity * t;
        return new SKColor(Blend(gray, r, a), Blend(gray, g, a), Blend(gray, b, a));
    }

    /// <summary>Black → red → yellow → white: the gray heatmap's colour map (the training figures' heat rows use it too).</summary>
    internal static (double R, double G, double B) Hot(double t) =>
        (Math.Clamp(3 * t, 0, 1), Math.Clamp(3 * t - 1, 0, 1), Math.Clamp(3 * t - 2, 0, 1));

    /// <summary>(1 − α)·image + α·colour, in [0, 1], as a byte.</summary>
    internal static byte Blend(double image, double color, double alpha) =>
        (byte)Math.Round(255 * Math.Clamp((1 - alpha) * image + alpha * color, 0, 1));
}
