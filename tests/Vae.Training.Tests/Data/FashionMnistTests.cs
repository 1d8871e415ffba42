using Vae.Training.Data;

namespace Vae.Training.Tests.Data;

public sealed class FashionMnistTests
{
    [Fact]
    public void The_embedded_sample_is_the_repository_t10k_split_with_its_labels_and_class_names()
    {
        var embedded = FashionMnist.LoadEmbeddedTest();
        var files = FashionMnist.Load(FashionMnist.EmbeddedDirectory(), "t10k");

        Assert.Equal((10_000, 1, 28, 28), (embedded.Count, embedded.Channels, embedded.Height, embedded.Width));
        Assert.Equal(files.CopyPixels(0, files.Count), embedded.CopyPixels(0, embedded.Count));
        Assert.Equal(files.Labels, embedded.Labels);
        Assert.Equal(FashionMnist.ClassNames, embedded.ClassNames);
        Assert.Equal(FashionMnist.EmbeddedTestSource, embedded.Source);
    }

    [Fact]
    public void Each_call_gives_a_set_of_its_own()
    {
        var first = FashionMnist.LoadEmbeddedTest();
        var second = FashionMnist.LoadEmbeddedTest();
        Assert.NotSame(first.Store, second.Store);
        Assert.NotSame(first.Labels, second.Labels);
    }

    [Fact]
    public void Outside_a_clone_the_folder_search_says_what_a_library_user_can_call()
    {
        string empty = Directory.CreateTempSubdirectory("no-data-").FullName;
        try
        {
            var e = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.EmbeddedDirectory(empty));
            Assert.Contains(empty, e.Message, StringComparison.Ordinal);
            Assert.Contains("FashionMnist.LoadEmbeddedTest()", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("--data", e.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(empty); }
    }
}
