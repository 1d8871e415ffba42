
namespace Vae.MLNet;

/// <summary>
/// One score kind with its fitted statistics: which featurizer outputs it reads, a reference
/// implementation in double (for statistics and tests), and the ONNX graph that computes it in the
/// pipeline for the kinds that are not a plain sum of featurizer columns.
/// </summary>
internal sealed class AnomalyScoreFunction
{
    private AnomalyScoreFunction(VaeAnomalyScoreKind kind, LatentGaussian? gaussian, Standardizer? logError, Standardizer? distance,
        LatentNeighbors? neighbours = null, double[]? fittingScores = null)
    {
        Kind = kind;
        Gaussian = gaussian;
        LogError = logError;
        Distance = distance;
        Neighbours = neighbours;
        FittingScores = fittingScores;
    }

    public VaeAnomalyScoreKind Kind { get; }

    /// <summary>The latent Gaussian: of μ (Mahalanobis), of (μ, log σ²) side by side (Combined).</summary>
    public LatentGaussian? Gaussian { get; }

    /// <summary>Mean and standard deviation of log(error) on the fitting data (Combined).</summary>
    public Standardizer? LogError { get; }

    /// <summary>Mean and standard deviation of the log squared Mahalanobis distance of (μ, log σ²) on the fitting data (Combined).</summary>
    public Standardizer? Distance { get; }

    /// <summary>The reference codes and whitening of <see cref="VaeAnomalyScoreKind.NearestNeighbors"/>.</summary>
    public LatentNeighbors? Neighbours { get; }

    /// <summary>
    /// The fitting rows' scores to calibrate the threshold on, when they differ from scoring the fitting rows
    /// through the pipeline (NearestNeighbors: each row left out of its own neighbours); null = score them.
    /// </summary>
    public double[]? FittingScores { get; }

    /// <summary>Weight of the latent evidence against the reconstruction evidence in the Combined score.</summary>
    public const double CombinedLatentWeight = CombinedScore.LatentWeight;

    public bool NeedsError => Kind is VaeAnomalyScoreKind.ReconstructionError or VaeAnomalyScoreKind.ReconstructionDivergence
        or VaeAnomalyScoreKind.NegativeElbo or VaeAnomalyScoreKind.Combined;

    /// <summary>True when the "error" the score reads is the reconstruction divergence rather than the raw error.</summary>
    public bool ErrorIsDivergence => Kind is VaeAnomalyScoreKind.ReconstructionDivergence or VaeAnomalyScoreKind.Combined;
    public bool NeedsKl => Kind is VaeAnomalyScoreKind.NegativeElbo;
    public bool NeedsMu => Kind is VaeAnomalyScoreKind.Mahalanobis or VaeAnomalyScoreKind.Combined or VaeAnomalyScoreKind.NearestNeighbors;
    public bool NeedsLogVar => Kind is VaeAnomalyScoreKind.Combined or VaeAnomalyScoreKind.NearestNeighbors;

    /// <summary>True when the score is an ONNX graph over the featurizer columns; otherwise it is their sum.</summary>
    public bool UsesGraph => NeedsMu;

    /// <summary>A function whose statistics are not fitted yet (they need no data for the error kinds).</summary>
    public static AnomalyScoreFunction Unfitted(VaeAnomalyScoreKind kind) => new(kind, null, null, null);

    /// <summary>Fits the statistics the kind needs to the fitting rows.</summary>
    public static AnomalyScoreFunction Fit(VaeAnomalyScoreKind kind, AnomalyFeatures features, VaeAnomalyDetectorOptions options)
    {
        double shrinkage = options.CovarianceShrinkage;
        if (kind is VaeAnomalyScoreKind.ReconstructionError or VaeAnomalyScoreKind.ReconstructionDivergence or VaeAnomalyScoreKind.NegativeElbo)
            return Unfitted(kind);
        if (kind == VaeAnomalyScoreKind.Mahalanobis)
            return new AnomalyScoreFunction(kind, LatentGaussian.Fit(features.Mu, features.Rows, features.LatentDim, shrinkage), null, null);

        var codes = features.MuAndLogVar();
        int width = 2 * features.LatentDim;
        if (kind == VaeAnomalyScoreKind.NearestNeighbors)
        {
            var neighbours = LatentNeighbors.Fit(codes, features.Rows, width, shrinkage, options.NeighborCount, options.MaxNeighborReferences);
            return new AnomalyScoreFunction(kind, null, null, null, neighbours, neighbours.LeaveOneOutScores(codes, features.Rows));
        }
        var gaussian = LatentGaussian.Fit(codes, features.Rows, width, shrinkage);
        var logError = new double[features.Rows];
        var logDistance = new double[features.Rows];
        for (int r = 0; r < features.Rows; r++)
        {
            float e = features.Error[r];
            if (!(e > 0) || !float.IsFinite(e))
                throw new InvalidOperationException(
                    $"The Combined score takes log(reconstruction divergence), but fitting row {r} has divergence {e}; it needs positive finite " +
                    "divergences (an image reconstructed exactly has 0). Use ScoreKind Mahalanobis or ReconstructionDivergence instead.");
            logError[r] = Math.Log(e);
            logDistance[r] = Math.Log(gaussian.SquaredDistance(codes.AsSpan(r * width, width)));
        }
        return new AnomalyScoreFunction(kind, gaussian, Standardizer.Fit(logError, "log(reconstruction divergence)"),
            Standardizer.Fit(logDistance, "log Mahalanobis distance of (μ, log σ²)"));
    }

    /// <summary>The score of one row, in double (the pipeline computes the same in float).</summary>
    public double Score(float error, float kl, ReadOnlySpan<float> mu, ReadOnlySpan<float> logVar)
    {
        switch (Kind)
        {
            case VaeAnomalyScoreKind.ReconstructionError:
            case VaeAnomalyScoreKind.ReconstructionDivergence:
                return error;
            case VaeAnomalyScoreKind.NegativeElbo:
                return (double)error + kl;
            case VaeAnomalyScoreKind.Mahalanobis:
                return Gaussian!.SquaredDistance(mu);
            default:
                var code = new float[mu.Length + logVar.Length];
                mu.CopyTo(code);
                logVar.CopyTo(code.AsSpan(mu.Length));
                if (Kind == VaeAnomalyScoreKind.NearestNeighbors)
                    return Neighbours!.Score(code);
                return LogError!.Apply(Math.Log(error)) + CombinedScore.LatentWeight * Distance!.Apply(Math.Log(Gaussian!.SquaredDistance(code)));
        }
    }

    /// <summary>
    /// The ONNX graph: inputs μ [1, k], for Combined and NearestNeighbors log σ² [1, k], for Combined the error [1, 1]; output the
    /// score [1]. A NaN score (μ of a row whose invalid pixels were not run through the model) becomes
    /// float.MaxValue, a maximal anomaly, never a silent "normal".
    /// </summary>
    public byte[] BuildGraph(string errorColumn, string muColumn, string logVarColumn, string scoreColumn)
    {
        if (!UsesGraph || (Gaussian is null && Neighbours is null))
            throw new InvalidOperationException($"Score kind {Kind} has no fitted graph.");
        var g = new ScoreGraph();
        int k = (Gaussian?.Dimension ?? Neighbours!.Dimension) / (NeedsLogVar ? 2 : 1);
        string code = g.Reshape(g.Input(muColumn, 1, k), 1, k);
        if (NeedsLogVar)
            code = g.Node("Concat", [code, g.Reshape(g.Input(logVarColumn, 1, k), 1, k)], null, ScoreGraph.IntAttribute("axis", 1));
        string score;
        if (Kind == VaeAnomalyScoreKind.NearestNeighbors)
        {
            score = Neighbours!.Graph(g, code);
        }
        else
        {
            string white = Gaussian!.WhitenGraph(g, code);
            score = g.SumAll(g.Node("Mul", [white, white]));
        }
        if (Kind == VaeAnomalyScoreKind.Combined)
        {
            string error = g.Reshape(g.Input(errorColumn, 1, 1), 1, 1);
            string zError = LogError!.Graph(g, g.Node("Log", [error]));
            string zLatent = Distance!.Graph(g, g.Node("Log", [score]));
            score = g.Node("Add", [zError, g.Node("Mul", [zLatent, g.Constant([(float)CombinedScore.LatentWeight], 1, 1)])]);
        }
        score = g.Reshape(score, 1);
        string isNaN = g.Node("IsNaN", [score]);
        score = g.Node("Where", [isNaN, g.Constant([float.MaxValue], 1), score]);
        g.Output(scoreColumn, score, 1);
        return g.ToBytes();
    }
}

/// <summary>The constants of <see cref="VaeAnomalyScoreKind.Combined"/>, chosen on the one-class Fashion-MNIST benchmark.</summary>
internal static class CombinedScore
{
    /// <summary>z(log divergence) + LatentWeight · z(log d²(μ, log σ²)); equal weights scored best on one-class Fashion-MNIST (1: 0.928 vs 2: 0.923, PyTorch prototype).</summary>
    public const double LatentWeight = 1.0;
}

/// <summary>z = (x − mean) / std with the statistics of the fitting data.</summary>
internal sealed record Standardizer(double Mean, double Std)
{
    public static Standardizer Fit(double[] values, string what)
    {
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Length - 1);
        double std = Math.Sqrt(variance);
        if (!(std > 0) || !double.IsFinite(std))
            throw new InvalidOperationException($"The {what} has no spread over the {values.Length} fitting rows (std = {std}); the Combined score cannot standardise it.");
        return new Standardizer(mean, std);
    }

    public double Apply(double x) => (x - Mean) / Std;

    /// <summary>(x − mean)·(1/std) in the graph.</summary>
    public string Graph(ScoreGraph g, string x) =>
        g.Node("Mul", [g.Node("Sub", [x, g.Constant([(float)Mean], 1, 1)]), g.Constant([(float)(1 / Std)], 1, 1)]);
}
