namespace Vae.MLNet;

/// <summary>
/// UMAP's optimisation of the embedding (umap-learn's optimize_layout_euclidean): each edge is sampled in
/// proportion to its weight and pulls its two ends together; each sample also pushes its head away from
/// <see cref="UmapOptions.NegativeSampleRate"/> random points; the step size falls linearly to 0. Single-threaded
/// so that a seed gives the same embedding run after run (umap-learn's parallel version does not).
/// </summary>
internal static class UmapLayout
{
    private const float GradientClip = 4f;

    /// <summary>Uniform in [−10, 10] per coordinate, umap-learn's "random" initialisation.</summary>
    public static float[] RandomStart(int vertices, int components, Random random)
    {
        var embedding = new float[vertices * components];
        for (int i = 0; i < embedding.Length; i++) embedding[i] = (float)(random.NextDouble() * 20 - 10);
        return embedding;
    }

    /// <summary>Optimises <paramref name="embedding"/> (row-major, <paramref name="components"/> per vertex) in place.</summary>
    public static void Optimize(float[] embedding, int components, UmapGraph graph, double a, double b, UmapOptions options, int epochs,
        Random random, IProgress<double>? progress = null)
    {
        int edges = graph.Weight.Length;
        float maxWeight = graph.Weight.Max();
        var epochsPerSample = new double[edges];
        var epochsPerNegative = new double[edges];
        var nextSample = new double[edges];
        var nextNegative = new double[edges];
        for (int e = 0; e < edges; e++)
        {
            // An edge of the largest weight is sampled every epoch, one of half that weight every other epoch…
            epochsPerSample[e] = maxWeight / graph.Weight[e];
            epochsPerNegative[e] = epochsPerSample[e] / Math.Max(options.NegativeSampleRate, 1e-12);
            nextSample[e] = epochsPerSample[e];
            nextNegative[e] = epochsPerNegative[e];
        }
        float fa = (float)a, fb = (float)b;
        int vertices = graph.Vertices;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            float alpha = (float)(options.LearningRate * (1 - (double)epoch / epochs));
            for (int e = 0; e < edges; e++)
            {
                if (nextSample[e] > epoch) continue;
                var current = embedding.AsSpan(graph.Head[e] * components, components);
                var other = embedding.AsSpan(graph.Tail[e] * components, components);
                float d2 = PointMatrix.SquaredDistance(current, other);
                float attract = d2 > 0 ? -2f * fa * fb * MathF.Pow(d2, fb - 1f) / (fa * MathF.Pow(d2, fb) + 1f) : 0f;
                for (int d = 0; d < components; d++)
                {
                    float step = Clip(attract * (current[d] - other[d])) * alpha;
                    current[d] += step;
                    other[d] -= step;
                }
                nextSample[e] += epochsPerSample[e];

                int negatives = options.NegativeSampleRate == 0 ? 0 : (int)((epoch - nextNegative[e]) / epochsPerNegative[e]);
                for (int p = 0; p < negatives; p++)
                {
                    int k = random.Next(vertices);
                    if (k == graph.Head[e]) continue;
                    var away = embedding.AsSpan(k * components, components);
                    float n2 = PointMatrix.SquaredDistance(current, away);
                    // Coincident points get umap-learn's fixed push of 4 per coordinate to separate them.
                    float repel = n2 > 0 ? 2f * fb / ((0.001f + n2) * (fa * MathF.Pow(n2, fb) + 1f)) : 0f;
                    for (int d = 0; d < components; d++)
                        current[d] += (repel > 0 ? Clip(repel * (current[d] - away[d])) : GradientClip) * alpha;
                }
                nextNegative[e] += negatives * epochsPerNegative[e];
            }
            progress?.Report((epoch + 1.0) / epochs);
        }
    }

    private static float Clip(float value) => Math.Clamp(value, -GradientClip, GradientClip);
}
