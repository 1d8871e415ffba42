using System.Globalization;

namespace Vae.Training;

/// <summary>
/// Spots posterior collapse: the encoder's q(z|x) has become the prior (KL ≈ 0 or no active units) while the
/// loss keeps falling — the decoder is learning to ignore z, so the latent codes carry no information.
/// </summary>
internal static class PosteriorCollapse
{
    /// <summary>KL per image (nats) below which the posterior counts as collapsed.</summary>
    internal const double KlThreshold = 0.1;

    internal static string? Warning(EpochMetrics current, EpochMetrics? previous, int latentDim)
    {
        if (previous is null) return null; // "still falling" needs an earlier epoch to compare with
        double kl = current.ValidationKl ?? current.TrainKl;
        double loss = current.ValidationTotal ?? current.TrainTotal;
        double previousLoss = previous.ValidationTotal ?? previous.TrainTotal;
        bool klGone = kl < KlThreshold;
        bool noActiveUnits = current.ActiveUnits == 0;
        if (!(klGone || noActiveUnits) || !(loss < previousLoss)) return null;

        string symptom = klGone && noActiveUnits
            ? string.Create(CultureInfo.InvariantCulture, $"KL is only {kl:0.####} nats per image and 0 of {latentDim} latent dimensions are active")
            : klGone
                ? string.Create(CultureInfo.InvariantCulture, $"KL is only {kl:0.####} nats per image")
                : $"0 of {latentDim} latent dimensions are active (μ hardly varies between images)";
        string falling = string.Create(CultureInfo.InvariantCulture, $"{previousLoss:0.##} → {loss:0.##}");
        return $"posterior collapse: {symptom}, while the loss still falls ({falling}). " +
            "The decoder is learning to ignore z, so the latent features will carry little information. " +
            "Try a KL warm-up, free bits, a smaller β, or a weaker decoder.";
    }
}
