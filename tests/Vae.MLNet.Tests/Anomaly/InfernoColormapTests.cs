namespace Vae.MLNet.Tests.Anomaly;

public sealed class InfernoColormapTests
{
    [Fact]
    public void Ends_are_matplotlibs_first_and_last_inferno_entries()
    {
        Assert.Equal((0.001462, 0.000466, 0.013866), InfernoColormap.Color(0));
        Assert.Equal((0.988362, 0.998364, 0.644924), InfernoColormap.Color(1));
        // Out-of-range t is clamped, as the heatmap's t = error / maxError may exceed 1.
        Assert.Equal(InfernoColormap.Color(1), InfernoColormap.Color(3.5));
        Assert.Equal(InfernoColormap.Color(0), InfernoColormap.Color(-1));
    }

    [Fact]
    public void Entries_are_picked_as_matplotlib_picks_them()
    {
        // ListedColormap with N = 256: entry ⌊t·256⌋, the last one for t = 1.
        Assert.Equal(InfernoColormap.Color(128 / 256.0), InfernoColormap.Color(128.99 / 256));
        Assert.NotEqual(InfernoColormap.Color(127.99 / 256), InfernoColormap.Color(128 / 256.0));
        Assert.Equal(InfernoColormap.Color(255 / 256.0), InfernoColormap.Color(1));
    }

    [Fact]
    public void Lightness_rises_at_every_entry()
    {
        // Inferno's defining property, checked on the table (a mistyped entry would break it): CIE L* of the
        // sRGB colour, computed here from the sRGB and CIE definitions, rises strictly from black to pale yellow.
        double previous = -1;
        for (int i = 0; i < InfernoColormap.Count; i++)
        {
            var (r, g, b) = InfernoColormap.Color((i + 0.5) / InfernoColormap.Count);
            double y = 0.2126 * Linear(r) + 0.7152 * Linear(g) + 0.0722 * Linear(b);
            double f = y > 216.0 / 24389 ? Math.Cbrt(y) : (24389.0 / 27 * y + 16) / 116;
            double lightness = 116 * f - 16;
            Assert.True(lightness > previous + 0.05, $"entry {i}: L* {lightness:F3} after {previous:F3}");
            previous = lightness;
        }
        Assert.InRange(previous, 97, 99);
    }

    private static double Linear(double c) => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
}
