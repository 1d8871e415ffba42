namespace Vae.MLNet;

/// <summary>
/// The k-nearest-neighbour score in latent space: the mean squared distance from a code (μ, log σ²) to its
/// k nearest fitting codes, all whitened by the shrunk covariance of the fitting codes (so the distance
/// is Mahalanobis, scale-free across latent dimensions). Unlike one Gaussian it follows a class whose
/// codes form several clusters (bags with and without handles, sandals of several shapes).
/// </summary>
/// <remarks>
/// The fitting codes are kept as references (at most <c>maxReferences</c>, a seeded subsample beyond
/// that) and travel inside the score's ONNX graph, so a saved model is self-contained. Scores of the
/// fitting rows themselves would find the row as its own neighbour at distance 0; <see cref="LeaveOneOutScores"/>
/// leaves it out, which is what a new image from the same distribution sees, so thresholds are calibrated on those.
/// </remarks>
internal sealed class LatentNeighbors
{
    /// <summary>Seed of the reference subsample: the same fitting data always keeps the same references.</summary>
    private const int SubsampleSeed = 0;

    private LatentNeighbors(LatentGaussian whitening, float[] references, int[] referenceRows, int neighbours)
    {
        Whitening = whitening;
        References = references;
        ReferenceRows = referenceRows;
        Neighbours = neighbours;
    }

    /// <summary>Mean and whitening of the fitting codes.</summary>
    public LatentGaussian Whitening { get; }

    /// <summary>The whitened reference codes, row-major, <see cref="ReferenceCount"/>×dimension.</summary>
    public float[] References { get; }

    /// <summary>For each reference, the index of the fitting row it came from.</summary>
    public int[] ReferenceRows { get; }

    /// <summary>k: how many nearest references are averaged.</summary>
    public int Neighbours { get; }

    public int Dimension => Whitening.Dimension;

    public int ReferenceCount => ReferenceRows.Length;

    /// <summary>Fits the whitening to all <paramref name="rows"/> codes and keeps up to <paramref name="maxReferences"/> of them.</summary>
    /// <exception cref="InvalidOperationException">Not more fitting rows than neighbours, or a degenerate covariance.</exception>
    public static LatentNeighbors Fit(float[] codes, int rows, int dimension, double shrinkage, int neighbours, int maxReferences)
    {
        if (rows <= neighbours)
            throw new InvalidOperationException(
                $"The NearestNeighbors score averages the {neighbours} nearest other fitting rows (NeighborCount), so it needs at least " +
                $"{neighbours + 1} fitting rows; got {rows}. Fit on more data or lower VaeAnomalyDetectorOptions.NeighborCount.");
        var gaussian = LatentGaussian.Fit(codes, rows, dimension, shrinkage);
        int[] kept = Enumerable.Range(0, rows).ToArray();
        if (rows > maxReferences)
        {
            new Random(SubsampleSeed).Shuffle(kept);
            kept = kept[..maxReferences];
            Array.Sort(kept);
        }
        var references = new float[kept.Length * dimension];
        var white = new double[dimension];
        for (int i = 0; i < kept.Length; i++)
        {
            gaussian.Whiten(codes.AsSpan(kept[i] * dimension, dimension), white);
            for (int j = 0; j < dimension; j++)
                references[i * dimension + j] = (float)white[j];
        }
        return new LatentNeighbors(gaussian, references, kept, neighbours);
    }

    /// <summary>The score of one code, in double; <paramref name="excludedRow"/> (a fitting row index) is not its own neighbour.</summary>
    public double Score(ReadOnlySpan<float> code, int excludedRow = -1)
    {
        int d = Dimension;
        var white = new double[d];
        Whitening.Whiten(code, white);
        // The k smallest squared distances, kept sorted ascending (k is small, so insertion beats a heap).
        var nearest = new double[Neighbours];
        Array.Fill(nearest, double.PositiveInfinity);
        for (int r = 0; r < ReferenceCount; r++)
        {
            if (ReferenceRows[r] == excludedRow)
                continue;
            double distance = 0;
            var reference = References.AsSpan(r * d, d);
            for (int j = 0; j < d; j++)
            {
                double diff = white[j] - reference[j];
                distance += diff * diff;
            }
            if (distance >= nearest[^1])
                continue;
            int at = Neighbours - 1;
            while (at > 0 && nearest[at - 1] > distance)
            {
                nearest[at] = nearest[at - 1];
                at--;
            }
            nearest[at] = distance;
        }
        return nearest.Average();
    }

    /// <summary>The score of every fitting row with the row itself left out of its neighbours.</summary>
    public double[] LeaveOneOutScores(float[] codes, int rows)
    {
        var scores = new double[rows];
        Parallel.For(0, rows, r => scores[r] = Score(codes.AsSpan(r * Dimension, Dimension), r));
        return scores;
    }

    /// <summary>
    /// The graph of the score for a code [1, d]: ‖y‖² + ‖rᵢ‖² − 2·y·rᵢ for every reference (y the whitened
    /// code; a MatMul instead of N subtractions), clamped at 0 against rounding, TopK smallest, mean → [1, 1].
    /// </summary>
    public string Graph(ScoreGraph g, string code)
    {
        int d = Dimension, n = ReferenceCount;
        string white = Whitening.WhitenGraph(g, code);
        string whiteNorm = g.SumAll(g.Node("Mul", [white, white]));
        var transposed = new float[d * n];
        var referenceNorms = new float[n];
        for (int r = 0; r < n; r++)
        {
            double norm = 0;
            for (int j = 0; j < d; j++)
            {
                float v = References[r * d + j];
                transposed[j * n + r] = v;
                norm += (double)v * v;
            }
            referenceNorms[r] = (float)norm;
        }
        string cross = g.Node("MatMul", [white, g.Constant(transposed, d, n)]);
        string squared = g.Node("Sub", [g.Node("Add", [whiteNorm, g.Constant(referenceNorms, 1, n)]), g.Node("Mul", [cross, g.Constant([2f], 1, 1)])]);
        squared = g.Node("Max", [squared, g.Constant([0f], 1, 1)]);
        string nearest = g.TopKSmallest(squared, Neighbours);
        string score = g.Node("ReduceMean", [nearest], null, ScoreGraph.IntAttribute("keepdims", 1));
        // + 0·‖y‖²: a NaN code (a row with invalid pixels) stays NaN, whatever Max and TopK make of NaN distances,
        // so the caller's NaN → maximal-anomaly rule sees it.
        return g.Node("Add", [score, g.Node("Mul", [whiteNorm, g.Constant([0f], 1, 1)])]);
    }
}
