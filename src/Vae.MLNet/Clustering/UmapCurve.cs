namespace Vae.MLNet;

/// <summary>
/// The low-dimensional similarity 1 / (1 + a d^(2b)) that UMAP fits to "1 within min_dist, then
/// exp(−(d − min_dist) / spread)" by least squares on 300 points of [0, 3 spread] (umap-learn's find_ab_params).
/// </summary>
internal static class UmapCurve
{
    private const int Points = 300;

    /// <summary>a and b for <paramref name="minDistance"/> and <paramref name="spread"/>, by Levenberg–Marquardt from a = b = 1.</summary>
    public static (double A, double B) Fit(double spread, double minDistance)
    {
        var x = new double[Points];
        var y = new double[Points];
        for (int i = 0; i < Points; i++)
        {
            x[i] = 3 * spread * i / (Points - 1);
            y[i] = x[i] < minDistance ? 1 : Math.Exp(-(x[i] - minDistance) / spread);
        }
        double a = 1, b = 1, damping = 1e-3;
        double error = SquaredError(x, y, a, b);
        for (int iteration = 0; iteration < 500; iteration++)
        {
            // Normal equations of the 2-parameter Gauss–Newton step, damped on the diagonal.
            double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
            for (int i = 0; i < Points; i++)
            {
                if (x[i] == 0) { continue; } // model is 1 there whatever a, b: no gradient, residual 1 − y
                double u = Math.Pow(x[i], 2 * b), denominator = 1 + a * u;
                double residual = 1 / denominator - y[i];
                double da = -u / (denominator * denominator);
                double db = -a * u * 2 * Math.Log(x[i]) / (denominator * denominator);
                jaa += da * da; jab += da * db; jbb += db * db;
                ga += da * residual; gb += db * residual;
            }
            double maa = jaa * (1 + damping), mbb = jbb * (1 + damping);
            double determinant = maa * mbb - jab * jab;
            double stepA = -(mbb * ga - jab * gb) / determinant;
            double stepB = -(maa * gb - jab * ga) / determinant;
            double candidate = SquaredError(x, y, a + stepA, b + stepB);
            if (candidate < error)
            {
                bool converged = error - candidate < 1e-15 * Math.Max(1, error);
                (a, b, error) = (a + stepA, b + stepB, candidate);
                damping = Math.Max(damping / 10, 1e-12);
                if (converged) break;
            }
            else
            {
                damping *= 10;
                if (damping > 1e12) break;
            }
        }
        return (a, b);
    }

    private static double SquaredError(double[] x, double[] y, double a, double b)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double model = x[i] == 0 ? 1 : 1 / (1 + a * Math.Pow(x[i], 2 * b));
            sum += (model - y[i]) * (model - y[i]);
        }
        return sum;
    }
}
