using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;

// Usage: Vae.Reliability.UseAfterDispose <repo root> <scenario> [repeats]
// Each scenario disposes an object that owns ONNX Runtime sessions while something made from it is still in
// use, then uses that thing again. Every use after Dispose must throw ObjectDisposedException naming the
// disposed type; anything else is printed and the exit code is 2. A crash (SIGSEGV) ends the process with 139.
string root = args[0];
string scenario = args[1];
int repeats = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
string modelPath = Path.Combine(root, "tests", "fixtures", "vae_mlp_k8.onnx");
var images = FashionImages(Path.Combine(root, "data", "fashion-mnist", "t10k-images-idx3-ubyte.gz"), 64);
var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromEnumerable(images.Select(i => new PixelRow { Image = i }).ToList());
int failures = 0;

void Expect(string what, string objectName, Action act)
{
    try
    {
        act();
        Console.WriteLine($"FAIL {what}: no exception after Dispose");
        failures++;
    }
    catch (ObjectDisposedException e) when (e.ObjectName == objectName)
    {
        Console.WriteLine($"OK {what}: ObjectDisposedException ({e.ObjectName})");
    }
    catch (Exception e)
    {
        Console.WriteLine($"FAIL {what}: {e.GetType().Name}: {e.Message} (expected ObjectDisposedException naming {objectName})");
        failures++;
    }
}

for (int run = 0; run < repeats; run++)
{
    switch (scenario)
    {
        case "featurizer-engine":
        {
            using var model = VaeModel.Load(modelPath);
            var t = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image", IntraOpNumThreads = 1 }, model).Fit(data);
            using var engine = ml.Model.CreatePredictionEngine<PixelRow, MuRow>(t, new PredictionEngineOptions { OwnsTransformer = false });
            engine.Predict(new PixelRow { Image = images[0] });
            t.Dispose();
            Expect("featurizer PredictionEngine after the featurizer's Dispose", nameof(VaeFeaturizerTransformer), () => engine.Predict(new PixelRow { Image = images[1] }));
            break;
        }
        case "featurizer-view":
        {
            using var model = VaeModel.Load(modelPath);
            var t = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image", IntraOpNumThreads = 1, BatchSize = 8 }, model).Fit(data);
            var view = t.Transform(data);
            using var cursor = view.GetRowCursor(view.Schema);
            var mu = cursor.GetGetter<VBuffer<float>>(view.Schema["Mu"]);
            VBuffer<float> value = default;
            cursor.MoveNext();
            mu(ref value);
            t.Dispose();
            Expect("featurizer cursor getter after Dispose", nameof(VaeFeaturizerTransformer), () => mu(ref value));
            Expect("featurizer cursor MoveNext after Dispose", nameof(VaeFeaturizerTransformer), () => { while (cursor.MoveNext()) mu(ref value); });
            Expect("featurizer view enumerated after Dispose", nameof(VaeFeaturizerTransformer), () => ml.Data.CreateEnumerable<MuRow>(view, false).ToList());
            break;
        }
        case "model-under-featurizer":
        {
            var model = VaeModel.Load(modelPath);
            using var t = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image" }, model).Fit(data);
            using var engine = ml.Model.CreatePredictionEngine<PixelRow, MuRow>(t, new PredictionEngineOptions { OwnsTransformer = false });
            engine.Predict(new PixelRow { Image = images[0] });
            var view = t.Transform(data);
            model.Dispose();
            Expect("featurizer PredictionEngine after the model's Dispose", nameof(VaeModel), () => engine.Predict(new PixelRow { Image = images[1] }));
            Expect("featurizer view after the model's Dispose", nameof(VaeModel), () => ml.Data.CreateEnumerable<MuRow>(view, false).ToList());
            break;
        }
        case "detector-view":
        case "detector-engine":
        {
            using var model = VaeModel.Load(modelPath);
            // Mahalanobis runs the score in ML.NET's ApplyOnnxModel: a second native session to outlive its rows.
            var d = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectorOptions
            {
                InputColumnName = "Image", ScoreKind = VaeAnomalyScoreKind.Mahalanobis, IntraOpNumThreads = 1, BatchSize = 8,
            }, model).Fit(data);
            var view = d.Transform(data);
            using var engine = ml.Model.CreatePredictionEngine<PixelRow, ScoreRow>(d, new PredictionEngineOptions { OwnsTransformer = false });
            engine.Predict(new PixelRow { Image = images[0] });
            using var cursor = view.GetRowCursor(view.Schema);
            var score = cursor.GetGetter<float>(view.Schema["Score"]);
            float s = 0;
            cursor.MoveNext();
            score(ref s);
            var other = d.WithThreshold(1f);
            d.Dispose();
            Expect("detector view enumerated after Dispose", nameof(VaeAnomalyDetectionTransformer), () => ml.Data.CreateEnumerable<ScoreRow>(view, false).ToList());
            Expect("detector cursor after Dispose", nameof(VaeAnomalyDetectionTransformer), () => { while (cursor.MoveNext()) score(ref s); });
            Expect("detector PredictionEngine after Dispose", nameof(VaeAnomalyDetectionTransformer), () => engine.Predict(new PixelRow { Image = images[1] }));
            // The WithThreshold copy shares the sessions and is not disposed: it must still score, and the same.
            var rows = ml.Data.CreateEnumerable<ScoreRow>(other.Transform(data), false).ToList();
            if (rows.Count != images.Length || rows.Any(r => !float.IsFinite(r.Score)))
            {
                Console.WriteLine($"FAIL WithThreshold copy after the original's Dispose: {rows.Count} rows");
                failures++;
            }
            other.Dispose();
            Expect("WithThreshold copy after its own Dispose", nameof(VaeAnomalyDetectionTransformer), () => other.Transform(data));
            break;
        }
        case "concurrent":
        {
            // Predictions on 4 threads while the featurizer is disposed under them: each call returns a finite μ or
            // throws ObjectDisposedException; a run racing the Dispose finishes before the session is freed.
            using var model = VaeModel.Load(modelPath);
            var t = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image", IntraOpNumThreads = 1 }, model).Fit(data);
            int ok = 0, disposed = 0, other = 0;
            using var start = new Barrier(5);
            var threads = Enumerable.Range(0, 4).Select(i => new Thread(() =>
            {
                using var engine = ml.Model.CreatePredictionEngine<PixelRow, MuRow>(t, new PredictionEngineOptions { OwnsTransformer = false });
                start.SignalAndWait();
                for (int n = 0; n < 200; n++)
                {
                    try
                    {
                        var mu = engine.Predict(new PixelRow { Image = images[(i + n) % images.Length] }).Mu;
                        if (mu.Length == 8 && mu.All(float.IsFinite)) Interlocked.Increment(ref ok); else Interlocked.Increment(ref other);
                    }
                    catch (ObjectDisposedException) { Interlocked.Increment(ref disposed); }
                    catch (Exception e) { Console.WriteLine($"FAIL concurrent: {e.GetType().Name}: {e.Message}"); Interlocked.Increment(ref other); }
                }
            })).ToList();
            threads.ForEach(th => th.Start());
            start.SignalAndWait();
            Thread.Sleep(run % 5);
            t.Dispose();
            threads.ForEach(th => th.Join());
            Console.WriteLine($"{(other == 0 ? "OK" : "FAIL")} concurrent Dispose: {ok} predictions, {disposed} ObjectDisposedException, {other} other");
            failures += other;
            break;
        }
        default:
            Console.WriteLine($"unknown scenario '{scenario}'");
            return 1;
    }
}
Console.WriteLine($"{scenario}: {repeats} runs, {failures} failures");
return failures == 0 ? 0 : 2;

static float[][] FashionImages(string path, int count)
{
    using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
    var header = new byte[16];
    gz.ReadExactly(header);
    var pixels = new byte[count * 784];
    gz.ReadExactly(pixels);
    return Enumerable.Range(0, count).Select(i => pixels.AsSpan(i * 784, 784).ToArray().Select(b => b / 255f).ToArray()).ToArray();
}

internal sealed class PixelRow
{
    [VectorType(784)]
    public float[] Image { get; set; } = [];
}

internal sealed class MuRow
{
    public float[] Mu { get; set; } = [];
}

internal sealed class ScoreRow
{
    public float Score { get; set; }
}
