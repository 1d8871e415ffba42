using System.Globalization;
using Vae.MLNet;

namespace Vae.Training.Export;

/// <summary>
/// The one rule for the scales an export is given: Bernoulli has none; a Gaussian has one σ
/// (<c>gaussianSigma</c>, the v1 form) or one per channel (<c>scales</c>); the Laplace and the discretized
/// logistic have one per channel. Every value is a finite number &gt; 0.
/// </summary>
internal static class LikelihoodScales
{
    /// <summary>The scales as the formulas take them (one shared or C), or null for Bernoulli.</summary>
    /// <exception cref="ArgumentException">A missing, extra, misplaced or invalid scale, named.</exception>
    public static double[]? Resolve(VaeLikelihood likelihood, double? gaussianSigma, IReadOnlyList<double>? scales, int channels)
    {
        if (!Enum.IsDefined(likelihood))
            throw new ArgumentException($"Unknown likelihood {(int)likelihood}; expected one of {string.Join(", ", Enum.GetNames<VaeLikelihood>())}.", nameof(likelihood));
        if (likelihood == VaeLikelihood.Bernoulli)
        {
            if (gaussianSigma != null || scales is { Count: > 0 })
                throw new ArgumentException($"A Bernoulli likelihood has no scale, but GaussianSigma = {Format(gaussianSigma)} and LikelihoodScales = {Format(scales)} were given.");
            return null;
        }
        if (likelihood == VaeLikelihood.Gaussian && gaussianSigma != null)
        {
            if (scales != null)
                throw new ArgumentException($"A Gaussian likelihood takes one σ (GaussianSigma = {Format(gaussianSigma)}) or one per channel (LikelihoodScales = {Format(scales)}), not both.");
            if (gaussianSigma is not (> 0 and < double.PositiveInfinity))
                throw new ArgumentException($"A Gaussian likelihood needs a finite sigma > 0, got {Format(gaussianSigma)}.");
            return [gaussianSigma.Value];
        }
        if (gaussianSigma != null)
            throw new ArgumentException($"GaussianSigma = {Format(gaussianSigma)} is for the Gaussian likelihood; a {likelihood} likelihood takes LikelihoodScales, one per channel.");
        string what = likelihood == VaeLikelihood.Gaussian ? "a sigma (GaussianSigma) or one per channel (LikelihoodScales)" : $"one scale per channel (LikelihoodScales, {channels} values)";
        if (scales is null || scales.Count == 0)
            throw new ArgumentException($"A {likelihood} likelihood needs {what}; none was given.");
        if (scales.Count != channels)
            throw new ArgumentException($"A {likelihood} likelihood over {channels} channel(s) needs {channels} scale(s), got {scales.Count}: {Format(scales)}.");
        if (scales.Any(s => s is not (> 0 and < double.PositiveInfinity)))
            throw new ArgumentException($"Every scale of a {likelihood} likelihood must be a finite number > 0, got {Format(scales)}.");
        return scales.ToArray();
    }

    private static string Format(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "null";

    private static string Format(IReadOnlyList<double>? values) =>
        values is null ? "null" : "[" + string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
}
