namespace Vae.Training.Tests.Fuzz;

/// <summary>
/// How many inputs a fuzz test tries. CI runs a short deterministic slice; the full run is
/// <c>VAE_FUZZ_ITERATIONS=100000 dotnet test -c Release --filter Category=Fuzz</c>.
/// </summary>
internal static class FuzzSettings
{
    public static int Iterations(int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable("VAE_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : ciDefault;

    public static int Seed => int.TryParse(Environment.GetEnvironmentVariable("VAE_FUZZ_SEED"), out int s) ? s : 20261126;
}
