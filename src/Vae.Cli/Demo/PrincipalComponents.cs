namespace Vae.Cli.Demo;

/// <summary>
/// Principal component analysis of a small number of dimensions (e.g. the latent means μ): the
/// covariance matrix is d×d, so a Jacobi eigen-decomposition is exact enough and dependency-free.
/// </summary>
public sealed class PrincipalComponents
{
    /// <summary>Column means of the data.</summary>
    public double[] Mean { get; }
    /// <summary>Eigenvalues of the covariance (variances along the components), largest first.</summary>
    public double[] Variances { get; }
    /// <summary>Unit component directions, <c>Components[j]</c> belonging to <c>Variances[j]</c>; each has its largest-magnitude entry positive.</summary>
    public double[][] Components { get; }

    private PrincipalComponents(double[] mean, double[] variances, double[][] components) =>
        (Mean, Variances, Components) = (mean, variances, components);

    /// <summary>Fits the components of <paramref name="rows"/> (n rows of d values each, n ≥ 2).</summary>
    public static PrincipalComponents Fit(IReadOnlyList<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count < 2)
            throw new ArgumentException($"PCA needs at least 2 rows, got {rows.Count}.", nameof(rows));
        int d = rows[0].Length;
        if (d == 0) throw new ArgumentException("PCA needs at least 1 dimension, got 0.", nameof(rows));
        var mean = new double[d];
        foreach (var row in rows)
        {
            if (row.Length != d) throw new ArgumentException($"PCA rows must all have {d} values; found one with {row.Length}.", nameof(rows));
            for (int j = 0; j < d; j++) mean[j] += row[j];
        }
        for (int j = 0; j < d; j++) mean[j] /= rows.Count;

        var cov = new double[d, d];
        var centered = new double[d];
        foreach (var row in rows)
        {
            for (int j = 0; j < d; j++) centered[j] = row[j] - mean[j];
            for (int a = 0; a < d; a++)
                for (int b = a; b < d; b++) cov[a, b] += centered[a] * centered[b];
        }
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++) cov[b, a] = cov[a, b] /= rows.Count - 1;

        var (values, vectors) = JacobiEigen(cov);
        var order = Enumerable.Range(0, d).OrderByDescending(i => values[i]).ToArray();
        var components = order.Select(i =>
        {
            var v = Enumerable.Range(0, d).Select(r => vectors[r, i]).ToArray();
            double largest = v.MaxBy(Math.Abs);
            return largest < 0 ? v.Select(x => -x).ToArray() : v; // a fixed sign, so plots are reproducible
        }).ToArray();
        return new PrincipalComponents(mean, order.Select(i => Math.Max(0, values[i])).ToArray(), components);
    }

    /// <summary>Coordinates of <paramref name="row"/> along the first <paramref name="count"/> components.</summary>
    public double[] Project(ReadOnlySpan<float> row, int count = 2)
    {
        if (row.Length != Mean.Length)
            throw new ArgumentException($"PCA was fitted on {Mean.Length} dimensions, got a row of {row.Length}.", nameof(row));
        if (count < 1 || count > Components.Length)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Expected 1..{Components.Length} components.");
        var result = new double[count];
        for (int c = 0; c < count; c++)
            for (int j = 0; j < row.Length; j++) result[c] += (row[j] - Mean[j]) * Components[c][j];
        return result;
    }

    // Cyclic Jacobi rotations on a symmetric matrix: returns eigenvalues and eigenvectors (columns).
    private static (double[] Values, double[,] Vectors) JacobiEigen(double[,] symmetric)
    {
        int d = symmetric.GetLength(0);
        var a = (double[,])symmetric.Clone();
        var v = new double[d, d];
        for (int i = 0; i < d; i++) v[i, i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < d; p++)
                for (int q = p + 1; q < d; q++) off += a[p, q] * a[p, q];
            if (off < 1e-24) break;
            for (int p = 0; p < d; p++)
                for (int q = p + 1; q < d; q++)
                {
                    if (Math.Abs(a[p, q]) < 1e-300) continue;
                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < d; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq;
                        a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk;
                        a[q, k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < d; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq;
                        v[k, q] = s * vkp + c * vkq;
                    }
                }
        }
        return (Enumerable.Range(0, d).Select(i => a[i, i]).ToArray(), v);
    }
}
