namespace Vae.MLNet;

/// <summary>
/// The Gaussian N(m, Σ) fitted to the μ of the fitting data, with Σ = (1−λ)·S + λ·(tr S / k)·I shrunk
/// toward its average variance (S the sample covariance). It is stored as the mean and a whitening
/// matrix W = (L⁻¹)ᵀ with Σ = L·Lᵀ, so the squared Mahalanobis distance of a row vector μ is ‖(μ − m)·W‖².
/// </summary>
internal sealed class LatentGaussian
{
    private LatentGaussian(double[] mean, double[,] whitening)
    {
        Mean = mean;
        Whitening = whitening;
    }

    /// <summary>m, length k.</summary>
    public double[] Mean { get; }

    /// <summary>W, k×k, row-major as [row, column].</summary>
    public double[,] Whitening { get; }

    public int Dimension => Mean.Length;

    /// <summary>Fits m and Σ to <paramref name="rows"/> row-major vectors of length <paramref name="k"/> in <paramref name="mu"/>.</summary>
    /// <exception cref="InvalidOperationException">Fewer than two rows, non-finite values, or no variance at all.</exception>
    public static LatentGaussian Fit(ReadOnlySpan<float> mu, int rows, int k, double shrinkage)
    {
        if (rows < 2)
            throw new InvalidOperationException($"The latent Gaussian needs at least 2 fitting rows to estimate a covariance; got {rows}.");
        var mean = new double[k];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < k; j++)
            {
                float v = mu[r * k + j];
                if (!float.IsFinite(v))
                    throw new InvalidOperationException(
                        $"μ of fitting row {r} is not finite (μ[{j}] = {v}); rows with invalid pixels cannot be fitted — clean the fitting data.");
                mean[j] += v;
            }
        for (int j = 0; j < k; j++)
            mean[j] /= rows;

        var cov = new double[k, k];
        var d = new double[k];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < k; j++)
                d[j] = mu[r * k + j] - mean[j];
            for (int a = 0; a < k; a++)
                for (int b = 0; b <= a; b++)
                    cov[a, b] += d[a] * d[b];
        }
        double trace = 0;
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b <= a; b++)
            {
                cov[a, b] /= rows - 1;
                cov[b, a] = cov[a, b];
            }
            trace += cov[a, a];
        }
        if (!(trace > 0))
            throw new InvalidOperationException($"μ has no variance over the {rows} fitting rows (all codes equal); the latent Gaussian is undefined.");
        double average = trace / k;
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b < k; b++)
                cov[a, b] *= 1 - shrinkage;
            cov[a, a] += shrinkage * average;
        }
        // A relative ridge keeps the Cholesky factorisation defined when λ = 0 and S is singular.
        for (int a = 0; a < k; a++)
            cov[a, a] += 1e-9 * average;
        return new LatentGaussian(mean, Transpose(InvertLower(Cholesky(cov))));
    }

    /// <summary>‖(μ − m)·W‖², accumulated in double.</summary>
    public double SquaredDistance(ReadOnlySpan<float> mu)
    {
        var white = new double[Dimension];
        Whiten(mu, white);
        double total = 0;
        foreach (double y in white)
            total += y * y;
        return total;
    }

    /// <summary>(μ − m)·W into <paramref name="white"/>, in double.</summary>
    public void Whiten(ReadOnlySpan<float> mu, Span<double> white)
    {
        int k = Dimension;
        for (int c = 0; c < k; c++)
        {
            double y = 0;
            for (int j = 0; j < k; j++)
                y += (mu[j] - Mean[j]) * Whitening[j, c];
            white[c] = y;
        }
    }

    /// <summary>(μ − m)·W in a score graph, for a row vector <paramref name="mu"/> [1, k]; returns [1, k].</summary>
    public string WhitenGraph(ScoreGraph g, string mu)
    {
        int k = Dimension;
        var mean = new float[k];
        var whitening = new float[k * k];
        for (int i = 0; i < k; i++)
        {
            mean[i] = (float)Mean[i];
            for (int j = 0; j < k; j++)
                whitening[i * k + j] = (float)Whitening[i, j];
        }
        string centered = g.Node("Sub", [mu, g.Constant(mean, 1, k)]);
        return g.Node("MatMul", [centered, g.Constant(whitening, k, k)]);
    }

    private static double[,] Cholesky(double[,] a)
    {
        int k = a.GetLength(0);
        var l = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = a[i, j];
                for (int p = 0; p < j; p++)
                    sum -= l[i, p] * l[j, p];
                if (i == j)
                {
                    if (!(sum > 0))
                        throw new InvalidOperationException($"The latent covariance is not positive definite (pivot {i} = {sum}); raise CovarianceShrinkage.");
                    l[i, i] = Math.Sqrt(sum);
                }
                else
                {
                    l[i, j] = sum / l[j, j];
                }
            }
        return l;
    }

    private static double[,] InvertLower(double[,] l)
    {
        int k = l.GetLength(0);
        var inv = new double[k, k];
        for (int i = 0; i < k; i++)
        {
            inv[i, i] = 1 / l[i, i];
            for (int j = 0; j < i; j++)
            {
                double sum = 0;
                for (int p = j; p < i; p++)
                    sum += l[i, p] * inv[p, j];
                inv[i, j] = -sum / l[i, i];
            }
        }
        return inv;
    }

    private static double[,] Transpose(double[,] m)
    {
        int k = m.GetLength(0);
        var t = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                t[j, i] = m[i, j];
        return t;
    }
}
