using System.Numerics;

namespace Vae.MLNet;

/// <summary>Points as one row-major array, checked once: equal lengths, finite values.</summary>
internal sealed class PointMatrix
{
    public int Count { get; }
    public int Dimensions { get; }
    public float[] Values { get; }

    private PointMatrix(int count, int dimensions, float[] values) => (Count, Dimensions, Values) = (count, dimensions, values);

    public ReadOnlySpan<float> Row(int i) => Values.AsSpan(i * Dimensions, Dimensions);

    /// <summary>
    /// Squared Euclidean distance with SIMD lanes: for the all-pairs neighbour search, where raw pixels (784 values)
    /// would otherwise take minutes. The lane count differs between machines and so does the rounding (it can swap
    /// near-tied neighbours); the layout sums in order with <see cref="SquaredDistance"/> so as to add no more.
    /// </summary>
    public static float SquaredDistanceSimd(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int lanes = Vector<float>.Count, d = 0;
        var sums = Vector<float>.Zero;
        for (; d <= a.Length - lanes; d += lanes)
        {
            var diff = new Vector<float>(a[d..]) - new Vector<float>(b[d..]);
            sums += diff * diff;
        }
        float sum = Vector.Sum(sums);
        for (; d < a.Length; d++)
        {
            float diff = a[d] - b[d];
            sum += diff * diff;
        }
        return sum;
    }

    /// <summary>Squared Euclidean distance of two points of equal length, summed in order.</summary>
    public static float SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float sum = 0;
        for (int d = 0; d < a.Length; d++)
        {
            float diff = a[d] - b[d];
            sum += diff * diff;
        }
        return sum;
    }

    /// <summary>Copies <paramref name="points"/>; <paramref name="what"/> names them in the exceptions.</summary>
    public static PointMatrix From(IReadOnlyList<float[]> points, string what)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0) throw new ArgumentException($"{what}: no points to embed.");
        int dimensions = points[0]?.Length ?? 0;
        if (dimensions == 0) throw new ArgumentException($"{what}: point 0 has no values; expected a vector of at least one value.");
        var values = new float[checked(points.Count * dimensions)];
        for (int i = 0; i < points.Count; i++)
        {
            var point = points[i] ?? throw new ArgumentException($"{what}: point {i} is null.");
            if (point.Length != dimensions)
                throw new ArgumentException($"{what}: point {i} has {point.Length} values; expected {dimensions} like point 0.");
            for (int d = 0; d < dimensions; d++)
                if (!float.IsFinite(point[d]))
                    throw new ArgumentException($"{what}: point {i} has {point[d]} at dimension {d}; expected finite values.");
            point.CopyTo(values, i * dimensions);
        }
        return new PointMatrix(points.Count, dimensions, values);
    }
}
