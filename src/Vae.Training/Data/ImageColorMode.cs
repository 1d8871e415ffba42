namespace Vae.Training.Data;

/// <summary>How <see cref="ImageFolderLoader"/> turns decoded pixels into channels.</summary>
public enum ImageColorMode
{
    /// <summary>One channel: luma 0.299·R + 0.587·G + 0.114·B (ITU-R BT.601, as PIL's <c>convert("L")</c>).</summary>
    Grayscale,
    /// <summary>Three channels in R, G, B order (channel-major, [3, H, W] per image).</summary>
    Rgb,
}
