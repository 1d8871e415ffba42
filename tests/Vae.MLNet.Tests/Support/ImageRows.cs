using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Vae.MLNet.Tests.Support;

/// <summary>An image column of known size 28×28.</summary>
public sealed class ImageRow
{
    [ImageType(28, 28)]
    public MLImage? Image { get; set; }
}


public static class Images
{
    /// <summary>
    /// Writes the images as PNG files into a fresh temp folder and returns a view whose "Image" column is
    /// loaded by ML.NET's LoadImages (an image column of unknown size, checked per row). Delete the folder after.
    /// </summary>
    public static Microsoft.ML.IDataView AsPngFiles(Microsoft.ML.MLContext ml, IEnumerable<MLImage> images, out string folder)
    {
        folder = Directory.CreateTempSubdirectory("vae-png-").FullName;
        var files = new List<FileRow>();
        int i = 0;
        foreach (var image in images)
        {
            string path = Path.Combine(folder, $"{i++:D5}.png");
            using (image)
                image.Save(path);
            files.Add(new FileRow { Path = path });
        }
        return ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "Path").Fit(ml.Data.LoadFromEnumerable(files))
            .Transform(ml.Data.LoadFromEnumerable(files));
    }

    public sealed class FileRow
    {
        public string Path { get; set; } = "";
    }

    /// <summary>A BGRA MLImage whose three colour channels all hold the grayscale bytes.</summary>
    public static MLImage FromGray(byte[] gray, int width, int height)
    {
        var bgra = new byte[width * height * 4];
        for (int i = 0; i < gray.Length; i++)
        {
            bgra[4 * i] = bgra[4 * i + 1] = bgra[4 * i + 2] = gray[i];
            bgra[4 * i + 3] = 255;
        }
        return MLImage.CreateFromPixels(width, height, MLPixelFormat.Bgra32, bgra);
    }

    public static MLImage FashionMnist(int index) => FromGray(TestData.ImageBytes(index), 28, 28);
}
