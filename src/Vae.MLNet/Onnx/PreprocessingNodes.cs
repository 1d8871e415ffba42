namespace Vae.MLNet.Onnx;

/// <summary>
/// The ONNX home of the composite and colour steps of <see cref="VaeImagePreprocessing"/> (the C# home is
/// <see cref="ImagePreprocessor"/>), for the saved ML.NET chain: ML.NET's <c>ExtractPixels</c> gives the resized
/// image's premultiplied A, R, G, B planes as unscaled floats, and these nodes make the model input from them with
/// the same float32 operations in the same order: c = min(round(p + (255 − α)·bg/255), 255), then luma
/// round((0.299·R + 0.587·G) + 0.114·B) or R, G, B, then / 255. (Round is half to even in both runtimes.)
/// </summary>
internal static class PreprocessingNodes
{
    /// <summary>Adds the nodes from <paramref name="argb"/> ([N, 4, H, W]) to <paramref name="output"/> ([N, C, H, W]).</summary>
    public static void Add(OnnxGraphBuilder b, VaeImagePreprocessing preprocessing, string argb, string output)
    {
        if (b.Opset < 11)
            throw new NotSupportedException($"The preprocessing graph needs ONNX opset ≥ 11 (Round); the model uses {b.Opset}.");
        string Channels(string name, long from, long to) => b.AddNode("Slice",
            [argb, b.AddInitializer("starts", [from], 1), b.AddInitializer("ends", [to], 1), b.AddInitializer("axes", [1L], 1)], name);

        var (r, g, bl) = preprocessing.BackgroundRgb();
        string alpha = Channels("alpha", 0, 1);
        string premultiplied = Channels("premultiplied_rgb", 1, 4);
        string transparency = b.AddNode("Sub", [b.AddScalar("full", 255f), alpha], "transparency");
        string background = b.AddInitializer("background_unit", [r / 255f, g / 255f, bl / 255f], 1, 3, 1, 1);
        string composited = b.AddNode("Min", [
            b.AddNode("Round", [b.AddNode("Add", [premultiplied, b.AddNode("Mul", [transparency, background], "background_share")], "composited_raw")], "composited_rounded"),
            b.AddScalar("byte_max", 255f)], "composited");

        string bytes = composited;
        if (preprocessing.ColorMode == VaeColorMode.Grayscale)
        {
            string Weighted(string name, long channel, float weight) => b.AddNode("Mul", [
                b.AddNode("Slice", [composited, b.AddInitializer("starts", [channel], 1), b.AddInitializer("ends", [channel + 1], 1), b.AddInitializer("axes", [1L], 1)], name),
                b.AddScalar(name + "_weight", weight)], name + "_weighted");
            string sum = b.AddNode("Add", [
                b.AddNode("Add", [Weighted("red", 0, ImagePreprocessor.LumaRed), Weighted("green", 1, ImagePreprocessor.LumaGreen)], "red_green"),
                Weighted("blue", 2, ImagePreprocessor.LumaBlue)], "luma_raw");
            bytes = b.AddNode("Round", [sum], "luma");
        }
        b.AddNode("Div", [bytes, b.AddScalar("byte_scale", 255f)], output);
    }
}
