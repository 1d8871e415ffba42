using Vae.Training.Data;

namespace Vae.Training.Data;

/// <summary>Training and test images, and a sentence saying where they came from (for logs and reports).</summary>
public sealed record DataSplit(ImageSet Train, ImageSet Test, string Description)
{
    /// <summary>
    /// From an IDX folder: train-* for training and t10k-* for testing when both exist; with only one
    /// split present, a seeded random <paramref name="testFraction"/> of it is held out for testing.
    /// </summary>
    public static DataSplit FromIdxFolder(string directory, double testFraction, int seed)
    {
        bool hasTrain = FashionMnist.Has(directory, "train"), hasTest = FashionMnist.Has(directory, "t10k");
        if (hasTrain && hasTest)
        {
            var train = FashionMnist.Load(directory, "train");
            var test = FashionMnist.Load(directory, "t10k");
            return new DataSplit(train, test, $"{directory}: train-* ({train.Count} images) for training, t10k-* ({test.Count}) for testing");
        }
        if (!hasTrain && !hasTest)
            throw new FileNotFoundException($"{directory}: no IDX images found (expected train-images-idx3-ubyte[.gz] and/or t10k-images-idx3-ubyte[.gz]).");
        string only = hasTrain ? "train" : "t10k";
        var split = Random(FashionMnist.Load(directory, only), testFraction, seed);
        return split with { Description = $"{directory}: {only}-* only, split {split.Train.Count}/{split.Test.Count} at random (seed {seed})" };
    }

    /// <summary>A seeded random split of <paramref name="all"/>: <paramref name="testFraction"/> of it becomes the test set.</summary>
    public static DataSplit Random(ImageSet all, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(all);
        var (train, test) = all.Split(testFraction, seed);
        return new DataSplit(train, test, $"{all.Source}: split {train.Count}/{test.Count} at random (seed {seed})");
    }

    /// <summary>The first <paramref name="trainCount"/> training and <paramref name="testCount"/> test images.</summary>
    public DataSplit Limit(int trainCount, int testCount) =>
        trainCount >= Train.Count && testCount >= Test.Count ? this
            : new DataSplit(Train.Take(trainCount), Test.Take(testCount),
                $"{Description}; limited to {Math.Min(trainCount, Train.Count)} training and {Math.Min(testCount, Test.Count)} test images");
}
