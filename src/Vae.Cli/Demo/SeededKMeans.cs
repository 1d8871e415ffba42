using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.Cli.Demo;

/// <summary>
/// NMI of ML.NET KMeans clusters against the classes, once per initialisation seed. One KMeans draw moves NMI by
/// about ±0.01 on Fashion-MNIST, as much as the differences worth reporting, so the number to compare is the mean.
/// Two normalisations of the same mutual information I(classes; clusters) are kept: the arithmetic mean of the two
/// entropies (<see cref="NormalizedMutualInformation"/>, scikit-learn's default, comparable with published numbers)
/// and the class entropy alone (ML.NET's <c>ClusteringMetrics.NormalizedMutualInformation</c>).
/// </summary>
/// <param name="Seeds">The seeds, one <c>MLContext(seed)</c> each.</param>
/// <param name="NmiPerSeed">NMI (arithmetic mean) of the test clusters against the labels, in seed order.</param>
/// <param name="TrainSeconds">Mean seconds of one KMeans fit.</param>
/// <param name="ClassEntropyNmiPerSeed">ML.NET's NMI, I / H(classes), of the same clusters, in seed order.</param>
internal sealed record SeededKMeans(IReadOnlyList<int> Seeds, IReadOnlyList<double> NmiPerSeed, double TrainSeconds,
    IReadOnlyList<double> ClassEntropyNmiPerSeed)
{
    // ML.NET's clustering evaluator reads a Single (or key) label; the demo's class is an Int32.
    private const string EvaluatorLabel = "ClassAsSingle";

    /// <summary>Mean NMI (arithmetic mean) over the seeds.</summary>
    public double Nmi => NmiPerSeed.Average();
    /// <summary>Lowest NMI (arithmetic mean) over the seeds.</summary>
    public double MinNmi => NmiPerSeed.Min();
    /// <summary>Highest NMI (arithmetic mean) over the seeds.</summary>
    public double MaxNmi => NmiPerSeed.Max();
    /// <summary>Mean of ML.NET's NMI (class entropy) over the seeds.</summary>
    public double ClassEntropyNmi => ClassEntropyNmiPerSeed.Average();

    /// <summary>
    /// KMeans with k = <paramref name="clusters"/> fit on <paramref name="train"/> once per seed, each in its own
    /// <c>MLContext(seed)</c> so its initialisation depends on the seed alone (not on what ran before in the
    /// caller's context); both NMIs of the clusters assigned to <paramref name="test"/> against its Int32
    /// <paramref name="labelColumn"/>.
    /// </summary>
    public static SeededKMeans Fit(IDataView train, IDataView test, string featureColumn, string labelColumn, IReadOnlyList<int> seeds, int clusters)
    {
        if (seeds.Count == 0) throw new ArgumentException("KMeans needs at least one seed.", nameof(seeds));
        var truth = test.GetColumn<int>(labelColumn).ToArray();
        var nmi = new List<double>();
        var classEntropyNmi = new List<double>();
        double seconds = 0;
        foreach (int seed in seeds)
        {
            var ml = new MLContext(seed);
            var trainer = ml.Clustering.Trainers.KMeans(featureColumn, numberOfClusters: clusters);
            var clock = Stopwatch.StartNew();
            var model = trainer.Fit(train);
            seconds += clock.Elapsed.TotalSeconds;
            var scored = model.Transform(test);
            var predicted = scored.GetColumn<uint>("PredictedLabel").Select(c => (int)c).ToArray();
            nmi.Add(NormalizedMutualInformation.Compute(truth, predicted));
            // After the fit and the scores: the evaluator's draws from ml cannot move them.
            var labelled = ml.Transforms.Conversion.ConvertType(EvaluatorLabel, labelColumn, DataKind.Single).Fit(scored).Transform(scored);
            classEntropyNmi.Add(ml.Clustering.Evaluate(labelled, labelColumnName: EvaluatorLabel).NormalizedMutualInformation);
        }
        return new SeededKMeans(seeds.ToArray(), nmi, seconds / seeds.Count, classEntropyNmi);
    }
}
