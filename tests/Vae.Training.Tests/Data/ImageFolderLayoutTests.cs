using System.Diagnostics;
using SkiaSharp;
using Vae.Training.Data;

namespace Vae.Training.Tests.Data;

/// <summary>Where the images come from: nested class folders, a CSV manifest, skipped files, symlink loops, FIFOs.</summary>
public sealed class ImageFolderLayoutTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vae-layout-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Image(string relative, byte gray)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(2, 2);
        bitmap.Erase(new SKColor(gray, gray, gray));
        File.WriteAllBytes(path, ImageFormatTests.Encode(bitmap, SKEncodedImageFormat.Png));
        return path;
    }

    [Fact]
    public void Label_depth_two_names_classes_by_their_two_level_path()
    {
        Image("animals/cats/a.png", 10);
        Image("animals/dogs/deep/b.png", 20);
        Image("plants/trees/c.png", 30);
        var set = ImageFolderLoader.Read(_root, 2, 2, new ImageFolderOptions { LabelDepth = 2 }).Images;
        Assert.Equal(["animals/cats", "animals/dogs", "plants/trees"], set.ClassNames);
        Assert.Equal([0, 1, 2], set.Labels);
        Assert.Equal(20 / 255f, set.Image(1)[0]);

        var top = ImageFolderLoader.Read(_root, 2, 2, new ImageFolderOptions()).Images;
        Assert.Equal(["animals", "plants"], top.ClassNames);
        Assert.Equal([0, 0, 1], top.Labels);
        var none = ImageFolderLoader.Read(_root, 2, 2, new ImageFolderOptions { LabelDepth = 0 }).Images;
        Assert.Equal(3, none.Count);
        Assert.Empty(none.Labels);
    }

    [Fact]
    public void An_image_above_the_label_depth_is_named()
    {
        Image("animals/cats/a.png", 10);
        string shallow = Image("animals/b.png", 20);
        var error = Assert.Throws<InvalidDataException>(() => ImageFolderLoader.Read(_root, 2, 2, new ImageFolderOptions { LabelDepth = 2 }));
        Assert.Contains(shallow, error.Message);
        Assert.Contains("depth 2", error.Message);
    }

    [Fact]
    public void Non_images_and_hidden_files_are_skipped_counted_and_summarised()
    {
        Image("cats/a.png", 10);
        Image("cats/._a.png", 10);
        File.WriteAllText(Path.Combine(_root, "cats", "notes.txt"), "x");
        File.WriteAllText(Path.Combine(_root, "cats", "labels.csv"), "x");
        Image(".git/objects/x.png", 1); // hidden folder: not entered, not counted
        var result = ImageFolderLoader.Read(_root, 2, 2, new ImageFolderOptions());
        Assert.Equal(1, result.Images.Count);
        Assert.Equal(2, result.SkippedCount(ImageSkipReason.NotAnImage));
        Assert.Equal(1, result.SkippedCount(ImageSkipReason.Hidden));
        Assert.Contains("skipped 3 files: 2 not images, 1 hidden", result.Summary());
    }

    [Fact]
    public void A_symlink_loop_loads_each_image_once()
    {
        Image("cats/a.png", 10);
        Image("dogs/b.png", 20);
        Directory.CreateSymbolicLink(Path.Combine(_root, "cats", "loop"), _root);           // back to the root
        Directory.CreateSymbolicLink(Path.Combine(_root, "cats", "again"), Path.Combine(_root, "cats"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "zz_dogs_link"), Path.Combine(_root, "dogs"));
        var result = ImageFolderLoader.Read(_root, 2, 2, new ImageFolderOptions());
        Assert.Equal(2, result.Images.Count);
        Assert.Equal(["cats", "dogs"], result.Images.ClassNames);
        Assert.Equal(3, result.SkippedCount(ImageSkipReason.RepeatedFolder));
    }

    [Fact]
    public void A_symlink_to_a_folder_outside_is_followed_once()
    {
        string outside = Directory.CreateTempSubdirectory("vae-layout-outside-").FullName;
        try
        {
            using (var bitmap = new SKBitmap(2, 2))
                File.WriteAllBytes(Path.Combine(outside, "x.png"), ImageFormatTests.Encode(bitmap, SKEncodedImageFormat.Png));
            Image("cats/a.png", 10);
            Directory.CreateSymbolicLink(Path.Combine(_root, "linked"), outside);
            var set = ImageFolderLoader.Read(_root, 2, 2, new ImageFolderOptions()).Images;
            Assert.Equal(["cats", "linked"], set.ClassNames);
            Assert.Equal(2, set.Count);
        }
        finally { Directory.Delete(outside, recursive: true); }
    }

    [Fact]
    public void A_FIFO_among_the_images_is_refused_without_blocking_or_skipped()
    {
        Image("cats/a.png", 10);
        string fifo = Path.Combine(_root, "cats", "pipe.png");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
            mkfifo.WaitForExit();
        Assert.True(File.Exists(fifo));
        var error = Assert.Throws<InvalidDataException>(() => ImageFolderLoader.Read(_root, 2, 2, new ImageFolderOptions()));
        Assert.Contains(fifo, error.Message);
        Assert.Contains("not a regular file", error.Message);
        var result = ImageFolderLoader.Read(_root, 2, 2, new ImageFolderOptions { SkipBadImages = true });
        Assert.Equal(1, result.Images.Count);
        Assert.Equal(fifo, Assert.Single(result.Skipped).Path);
    }

    [Fact]
    public void A_manifest_lists_paths_relative_to_itself_with_quoted_fields_and_labels()
    {
        Image("imgs/a.png", 10);
        Image("imgs/b, with comma.png", 20);
        string absolute = Image("other/c.png", 30);
        Directory.CreateDirectory(Path.Combine(_root, "lists"));
        string manifest = Path.Combine(_root, "lists", "train.csv");
        File.WriteAllText(manifest,
            "path,label\n../imgs/a.png,zebra\n\"../imgs/b, with comma.png\",\"ant \"\"A\"\"\"\n\n" + absolute + ",zebra\n");
        var set = ImageFolderLoader.ReadManifest(manifest, 2, 2, new ImageFolderOptions()).Images;
        Assert.Equal(["ant \"A\"", "zebra"], set.ClassNames);
        Assert.Equal([1, 0, 1], set.Labels);
        Assert.Equal([10 / 255f, 20 / 255f, 30 / 255f], Enumerable.Range(0, 3).Select(i => set.Image(i)[0]));

        File.WriteAllText(manifest, "label,path\n\n");
        Assert.Contains("lists no images", Assert.Throws<InvalidDataException>(() => ImageFolderLoader.ReadManifest(manifest, 2, 2, new ImageFolderOptions())).Message);
        File.WriteAllText(manifest, "path\n../imgs/a.png\n");
        Assert.Empty(ImageFolderLoader.ReadManifest(manifest, 2, 2, new ImageFolderOptions()).Images.Labels);
    }

    [Theory]
    [InlineData("file,label\na.png,x\n", "line 1", "no 'path' column")]
    [InlineData("path,label\n../imgs/a.png,x\n../imgs/missing.png,x\n", "line 3", "not found")]
    [InlineData("path,label\n../imgs/a.png\n", "line 2", "1 field(s)")]
    [InlineData("path,label\n\"../imgs/a.png,x\n", "line 2", "not closed")]
    [InlineData("path,label\n\"../imgs/a.png\"x,y\n", "line 2", "after the closing quote")]
    [InlineData("path,label\n../imgs/a.png,\n", "line 2", "label is empty")]
    public void A_bad_manifest_line_is_named(string text, string line, string why)
    {
        Image("imgs/a.png", 10);
        Directory.CreateDirectory(Path.Combine(_root, "lists"));
        string manifest = Path.Combine(_root, "lists", "m.csv");
        File.WriteAllText(manifest, text);
        var error = Assert.Throws<InvalidDataException>(() => ImageFolderLoader.ReadManifest(manifest, 2, 2, new ImageFolderOptions()));
        Assert.Contains($"{manifest}, {line}", error.Message);
        Assert.Contains(why, error.Message);
    }
}
