using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vae.MLNet;

/// <summary>
/// How a model's input images were made from image files (contract v2, metadata <c>vae.preprocessing</c>):
/// the trainer applies it to every training image and the featurizer applies exactly the same to an
/// <c>MLImage</c> column, so the same file gives the same features in training and in ML.NET.
/// Steps, in order: decode to 8-bit premultiplied RGBA (as ML.NET's <c>LoadImages</c>); turn upright by the
/// EXIF orientation; resize to the model's H×W by <see cref="Resize"/> with the project's resampling
/// (bilinear from the nearest mipmap level when shrinking, Mitchell bicubic when enlarging, a plain copy
/// at the same size); composite over <see cref="Background"/> and round to bytes; to one channel
/// (BT.601 luma, rounded) or R, G, B; scale by 1/255.
/// </summary>
public sealed class VaeImagePreprocessing
{
    /// <summary>How the aspect ratio is handled when the image is not H×W.</summary>
    public VaeResizeMode Resize = VaeResizeMode.Stretch;

    /// <summary>One channel (luma) or three (R, G, B).</summary>
    public VaeColorMode ColorMode = VaeColorMode.Grayscale;

    /// <summary>
    /// The colour transparent pixels (and padding) become, "#RRGGBB". White by default: clip art and cut-outs
    /// are drawn on white; black is what premultiplied pixels give when nothing is composited.
    /// </summary>
    public string Background = "#FFFFFF";

    /// <summary>Whether the EXIF orientation of a JPEG is applied (as photo viewers do).</summary>
    public bool ApplyExifOrientation = true;

    /// <summary>The resampling rule's name in the metadata; the only one this version writes.</summary>
    public const string ResamplingName = "mipmap-linear-shrink/mitchell-enlarge";

    /// <summary>The pixel scaling's name in the metadata: value = byte / 255.</summary>
    public const string ScalingName = "byte/255";

    /// <summary>Channels of the model input: 1 for grayscale, 3 for RGB.</summary>
    public int Channels => ColorMode == VaeColorMode.Grayscale ? 1 : 3;

    /// <summary>A copy, so later edits of the caller's object change nothing.</summary>
    public VaeImagePreprocessing Clone() => (VaeImagePreprocessing)MemberwiseClone();

    /// <summary>The background as (R, G, B) bytes; throws naming the value when it is not "#RRGGBB".</summary>
    public (byte R, byte G, byte B) BackgroundRgb()
    {
        string text = Background ?? "";
        if (text.Length == 7 && text[0] == '#'
            && uint.TryParse(text.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint rgb))
            return ((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);
        throw new ArgumentException($"Background '{Background}' is not a colour of the form #RRGGBB (e.g. #FFFFFF for white).", nameof(Background));
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the field when a value is out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Resize))
            throw new ArgumentException($"Resize = {Resize} is not a VaeResizeMode (Stretch, Pad, Crop).", nameof(Resize));
        if (!Enum.IsDefined(ColorMode))
            throw new ArgumentException($"ColorMode = {ColorMode} is not a VaeColorMode (Grayscale, Rgb).", nameof(ColorMode));
        BackgroundRgb();
    }

    /// <summary>The JSON of the <c>vae.preprocessing</c> metadata entry.</summary>
    public string ToJson()
    {
        Validate();
        return JsonSerializer.Serialize(new Stored
        {
            Resize = Resize.ToString().ToLowerInvariant(),
            Resampling = ResamplingName,
            Background = Background.ToUpperInvariant(),
            Color = ColorMode == VaeColorMode.Grayscale ? "gray-bt601" : "rgb",
            Orientation = ApplyExifOrientation ? "exif" : "as-stored",
            Scaling = ScalingName,
        });
    }

    /// <summary>Reads the <c>vae.preprocessing</c> metadata entry of <paramref name="source"/>; throws naming the key and the bad field.</summary>
    public static VaeImagePreprocessing FromJson(string json, string source)
    {
        string key = VaeContract.Metadata.Preprocessing;
        Stored stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{source}': metadata {key} is not a JSON object of the preprocessing ({e.Message}).", e);
        }
        InvalidDataException Bad(string field, string? value, string expected) =>
            new($"'{source}': metadata {key} has {field} = '{value ?? "(missing)"}', expected {expected}.");

        var result = new VaeImagePreprocessing
        {
            Resize = stored.Resize switch
            {
                "stretch" => VaeResizeMode.Stretch,
                "pad" => VaeResizeMode.Pad,
                "crop" => VaeResizeMode.Crop,
                var other => throw Bad("resize", other, "'stretch', 'pad' or 'crop'"),
            },
            ColorMode = stored.Color switch
            {
                "gray-bt601" => VaeColorMode.Grayscale,
                "rgb" => VaeColorMode.Rgb,
                var other => throw Bad("color", other, "'gray-bt601' or 'rgb'"),
            },
            ApplyExifOrientation = stored.Orientation switch
            {
                "exif" => true,
                "as-stored" => false,
                var other => throw Bad("orientation", other, "'exif' or 'as-stored'"),
            },
            Background = stored.Background ?? "",
        };
        if (stored.Resampling != ResamplingName)
            throw Bad("resampling", stored.Resampling, $"'{ResamplingName}' (the only one this library reproduces)");
        if (stored.Scaling != ScalingName)
            throw Bad("scaling", stored.Scaling, $"'{ScalingName}'");
        try
        {
            result.BackgroundRgb();
        }
        catch (ArgumentException)
        {
            throw Bad("background", stored.Background, "a colour #RRGGBB");
        }
        return result;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Resize.ToString().ToLowerInvariant()}, {(ColorMode == VaeColorMode.Grayscale ? "grayscale" : "RGB")}, background {Background}" +
        (ApplyExifOrientation ? ", EXIF orientation" : "");

    private sealed class Stored
    {
        [JsonPropertyName("resize")] public string? Resize { get; set; }
        [JsonPropertyName("resampling")] public string? Resampling { get; set; }
        [JsonPropertyName("background")] public string? Background { get; set; }
        [JsonPropertyName("color")] public string? Color { get; set; }
        [JsonPropertyName("orientation")] public string? Orientation { get; set; }
        [JsonPropertyName("scaling")] public string? Scaling { get; set; }
    }
}

/// <summary>How an image of another aspect ratio is brought to the model's H×W.</summary>
public enum VaeResizeMode
{
    /// <summary>Scale each axis to fit exactly (the aspect ratio changes).</summary>
    Stretch,
    /// <summary>Keep the aspect ratio, fit inside, fill the rest with the background.</summary>
    Pad,
    /// <summary>Keep the aspect ratio, cover, cut the centre out.</summary>
    Crop,
}

/// <summary>Channels of the model input.</summary>
public enum VaeColorMode
{
    /// <summary>One channel: round(0.299·R + 0.587·G + 0.114·B) (ITU-R BT.601 luma, as PIL's <c>convert("L")</c>).</summary>
    Grayscale,
    /// <summary>Three channels in R, G, B order (channel-major, [3, H, W] per image).</summary>
    Rgb,
}
