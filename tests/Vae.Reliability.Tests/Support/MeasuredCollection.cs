namespace Vae.Reliability.Tests.Support;

/// <summary>
/// Tests that measure the process (working set, managed heap) or start heavy child processes run alone,
/// after the parallel ones, so other tests do not blur their figures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredCollection
{
    public const string Name = "Measured (not parallel)";
}
