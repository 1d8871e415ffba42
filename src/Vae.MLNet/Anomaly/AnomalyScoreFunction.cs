using Microsoft.ML;

namespace Vae.MLNet.Anomaly;

/// <summary>
/// One score kind with its fitted statistics: which featurizer outputs it reads, a reference
/// implementation in double (for statistics and tests), and the ONNX graph that computes it in the
/// pipeline for the kinds that are not a plain sum of featurizer columns.
/// </summary>
internal sealed class AnomalyScoreFunction
{
    private AnomalyScoreFunction(VaeAnomalyScoreKind kind, LatentGaussian? gaussian, Standardizer? logError, Standardizer? distance)
    {
        Kind = kind;
        Gaussian = gaussian;
        LogError = logError;
        Distance = distance;
    }

    public VaeAnomalyScoreKind Kind { get; }

    /// <summary>The latent Gaussian (Mahalanobis and Combined).</summary>
    public LatentGaussian? Gaussian { get; }

    /// <summary>Mean and standard deviation of log(error) on the fitting data (Combined).</summary>
    public Standardizer? LogError { get; }

    /// <summary>Mean and standard deviation of the squared Mahalanobis distance on the fitting data (Combined).</summary>
    public Standardizer? Distance { get; }

    public bool NeedsError => Kind is VaeAnomalyScoreKind.ReconstructionError or VaeAnomalyScoreKind.NegativeElbo or VaeAnomalyScoreKind.Combined;
    public bool NeedsKl => Kind is VaeAnomalyScoreKind.NegativeElbo;
    public bool NeedsMu => Kind is VaeAnomalyScoreKind.Mahalanobis or VaeAnomalyScoreKind.Combined;

    /// <summary>True when the score is an ONNX graph over the featurizer columns; otherwise it is their sum.</summary>
    public bool UsesGraph => NeedsMu;

    /// <summary>A function whose statistics are not fitted yet (they need no data for the error kinds).</summary>
    public static AnomalyScoreFunction Unfitted(VaeAnomalyScoreKind kind) => new(kind, null, null, null);

    /// <summary>Fits the statistics the kind needs to the fitting rows.</summary>
    public static AnomalyScoreFunction Fit(VaeAnomalyScoreKind kind, AnomalyFeatures features, double shrinkage)
    {
        if (kind is VaeAnomalyScoreKind.ReconstructionError or VaeAnomalyScoreKind.NegativeElbo)
            return Unfitted(kind);
        var gaussian = LatentGaussian.Fit(features.Mu, features.Rows, features.LatentDim, shrinkage);
        if (kind == VaeAnomalyScoreKind.Mahalanobis)
            return new AnomalyScoreFunction(kind, gaussian, null, null);

        var logError = new double[features.Rows];
        var distance = new double[features.Rows];
        for (int r = 0; r < features.Rows; r++)
        {
            float e = features.Error[r];
            if (!(e > 0) || !float.IsFinite(e))
                throw new InvalidOperationException(
                    $"The Combined score takes log(reconstruction error), but fitting row {r} has error {e}; it needs positive finite errors " +
                    "(a Bernoulli likelihood, or a Gaussian one whose errors stay positive). Use ScoreKind Mahalanobis or NegativeElbo instead.");
            logError[r] = Math.Log(e);
            distance[r] = gaussian.SquaredDistance(features.MuOf(r));
        }
        return new AnomalyScoreFunction(kind, gaussian, Standardizer.Fit(logError, "log(reconstruction error)"),
            Standardizer.Fit(distance, "Mahalanobis distance"));
    }

    /// <summary>The score of one row, in double (the pipeline computes the same in float).</summary>
    public double Score(float error, float kl, ReadOnlySpan<float> mu)
    {
        switch (Kind)
        {
            case VaeAnomalyScoreKind.ReconstructionError:
                return error;
            case VaeAnomalyScoreKind.NegativeElbo:
                return (double)error + kl;
            case VaeAnomalyScoreKind.Mahalanobis:
                return Gaussian!.SquaredDistance(mu);
            default:
                return LogError!.Apply(Math.Log(error)) + Distance!.Apply(Gaussian!.SquaredDistance(mu));
        }
    }

    /// <summary>
    /// The ONNX graph: inputs <paramref name="muColumn"/> [1, k] and (Combined) <paramref name="errorColumn"/>
    /// [1, 1], output <paramref name="scoreColumn"/> [1]. A NaN score (μ of a row whose invalid pixels were
    /// not run through the model) becomes float.MaxValue, a maximal anomaly, never a silent "normal".
    /// </summary>
    public byte[] BuildGraph(string errorColumn, string muColumn, string scoreColumn)
    {
        if (!UsesGraph || Gaussian is null)
            throw new InvalidOperationException($"Score kind {Kind} has no fitted graph.");
        int k = Gaussian.Dimension;
        var g = new ScoreGraph();
        string mu = g.Reshape(g.Input(muColumn, 1, k), 1, k);
        var mean = new float[k];
        var whitening = new float[k * k];
        for (int i = 0; i < k; i++)
        {
            mean[i] = (float)Gaussian.Mean[i];
            for (int j = 0; j < k; j++)
                whitening[i * k + j] = (float)Gaussian.Whitening[i, j];
        }
        string centered = g.Node("Sub", [mu, g.Constant(mean, 1, k)]);
        string white = g.Node("MatMul", [centered, g.Constant(whitening, k, k)]);
        string score = g.SumAll(g.Node("Mul", [white, white]));
        if (Kind == VaeAnomalyScoreKind.Combined)
        {
            string error = g.Reshape(g.Input(errorColumn, 1, 1), 1, 1);
            string zError = LogError!.Graph(g, g.Node("Log", [error]));
            score = g.Node("Add", [zError, Distance!.Graph(g, score)]);
        }
        score = g.Reshape(score, 1);
        string isNaN = g.Node("IsNaN", [score]);
        score = g.Node("Where", [isNaN, g.Constant([float.MaxValue], 1), score]);
        g.Output(scoreColumn, score, 1);
        return g.ToBytes();
    }
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
