using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vae.Training;

/// <summary>The one JSON setup used for checkpoints and metrics logs (enums as text, exact doubles).</summary>
internal static class TrainingJson
{
    internal static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
