namespace Vae.MLNet;

/// <summary>Undirected weighted graph as directed edges, both directions listed, sorted by (head, tail).</summary>
internal sealed record UmapGraph(int Vertices, int[] Head, int[] Tail, float[] Weight);

/// <summary>
/// UMAP's fuzzy graph of the data (McInnes et al., 2018, §3.1; umap-learn's smooth_knn_dist,
/// compute_membership_strengths and fuzzy union), with local connectivity 1 and bandwidth 1.
/// </summary>
internal static class FuzzySimplicialSet
{
    private const double Tolerance = 1e-5;   // umap-learn's SMOOTH_K_TOLERANCE
    private const double MinScale = 1e-3;    // umap-learn's MIN_K_DIST_SCALE
    private const int SearchSteps = 64;

    /// <summary>
    /// Per point, ρ = distance to its nearest other point and σ such that Σ_j exp(−(d_j − ρ) / σ) over its k − 1
    /// neighbours equals log2 k: every point sees the same "amount" of neighbourhood, dense or sparse.
    /// </summary>
    public static (float[] Sigma, float[] Rho) SmoothDistances(float[] distances, int k)
    {
        int n = distances.Length / k;
        double target = Math.Log2(k);
        double meanAll = distances.Average(d => (double)d);
        var sigma = new float[n];
        var rho = new float[n];
        for (int i = 0; i < n; i++)
        {
            var row = distances.AsSpan(i * k, k);
            foreach (float d in row)
                if (d > 0) { rho[i] = d; break; } // rows are sorted: the first non-zero distance
            double lo = 0, hi = double.PositiveInfinity, mid = 1;
            for (int step = 0; step < SearchSteps; step++)
            {
                double sum = 0;
                for (int j = 1; j < k; j++)
                {
                    double d = row[j] - rho[i];
                    sum += d > 0 ? Math.Exp(-d / mid) : 1;
                }
                if (Math.Abs(sum - target) < Tolerance) break;
                if (sum > target) { hi = mid; mid = (lo + hi) / 2; }
                else { lo = mid; mid = double.IsPositiveInfinity(hi) ? mid * 2 : (lo + hi) / 2; }
            }
            // Floor σ so coincident or very tight neighbourhoods do not produce infinite weights.
            double mean = rho[i] > 0 ? Mean(row) : meanAll;
            sigma[i] = (float)Math.Max(mid, MinScale * mean);
        }
        return (sigma, rho);
    }

    /// <summary>
    /// The symmetric graph: directed membership w(i→j) = exp(−(d − ρ_i) / σ_i) (1 within ρ_i), joined as a fuzzy
    /// union w + wᵀ − w ∘ wᵀ; edges below max / <paramref name="epochs"/> are dropped as umap-learn does, since
    /// they would not be sampled once in the optimisation.
    /// </summary>
    public static UmapGraph Build(int[] indices, float[] distances, int k, int epochs)
    {
        int n = indices.Length / k;
        var (sigma, rho) = SmoothDistances(distances, k);
        var directed = new Dictionary<long, float>(n * k);
        for (int i = 0; i < n; i++)
            for (int m = 0; m < k; m++)
            {
                int j = indices[i * k + m];
                if (j == i) continue;
                double d = distances[i * k + m] - rho[i];
                directed[(long)i * n + j] = d <= 0 || sigma[i] == 0 ? 1f : (float)Math.Exp(-d / sigma[i]);
            }

        var edges = new List<(int Head, int Tail, float Weight)>(directed.Count * 2);
        foreach (var (key, w) in directed)
        {
            int i = (int)(key / n), j = (int)(key % n);
            bool reverseKnown = directed.TryGetValue((long)j * n + i, out float wT);
            float union = w + wT - w * wT; // wT = 0 when j did not list i
            if (union > 0) edges.Add((i, j, union));
            if (!reverseKnown && union > 0) edges.Add((j, i, union));
        }
        if (edges.Count == 0) throw new InvalidOperationException("UMAP graph has no edges: every neighbour has membership 0.");
        float max = edges.Max(e => e.Weight);
        edges.RemoveAll(e => e.Weight < max / epochs);
        edges.Sort((a, b) => a.Head != b.Head ? a.Head.CompareTo(b.Head) : a.Tail.CompareTo(b.Tail));
        return new UmapGraph(n, edges.Select(e => e.Head).ToArray(), edges.Select(e => e.Tail).ToArray(), edges.Select(e => e.Weight).ToArray());
    }

    private static double Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values) sum += v;
        return sum / values.Length;
    }
}
