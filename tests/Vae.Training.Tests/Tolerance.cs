namespace Vae.Training.Tests;

/// <summary>Compares doubles to within <c>epsilon</c>, relative above magnitude 1, for Assert.Equal on sequences.</summary>
internal sealed class Tolerance(double epsilon) : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon * Math.Max(1, Math.Abs(x));
    public int GetHashCode(double obj) => 0;
}
