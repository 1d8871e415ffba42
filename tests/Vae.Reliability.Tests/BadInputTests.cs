using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.Reliability.Tests.Support;
using M = Vae.MLNet.VaeContract.Metadata;

namespace Vae.Reliability.Tests;

/// <summary>
/// Distinct bad inputs to every public entry point of the featurizer, the anomaly detector and the model
/// reader. Each must raise the documented exception type with a message naming what was expected — no
/// crash, no silent result. All cases run; failures are listed together.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly MLContext _ml = new(seed: 1);
    private readonly VaeModel _model = VaeModel.Load(Data.ContractVae);
    private readonly VaeModel _foreign = VaeModel.Load(Data.ForeignNamed, VaeOutputMapping.MuLogVar("z_mean", "z_log_var"));
    private readonly EditedModels _files = new();

    public BadInputTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        _model.Dispose();
        _foreign.Dispose();
        _files.Dispose();
    }

    private sealed class TextRow { public string Image { get; set; } = ""; }
    private sealed class IntRow { public int Image { get; set; } }
    private sealed class DoubleRow { [VectorType(784)] public double[] Image { get; set; } = []; }
    private sealed class ShortRow { [VectorType(100)] public float[] Image { get; set; } = []; }
    private sealed class VariableRow { public float[] Image { get; set; } = []; }

    private IDataView View<T>(params T[] rows) where T : class => _ml.Data.LoadFromEnumerable(rows);

    private IDataView Good(int count = 8) => Data.Pixels(_ml, 0, count);

    /// <summary>Good rows with one pixel of row 3 replaced.</summary>
    private IDataView WithPixel(float value)
    {
        var rows = Enumerable.Range(0, 8).Select(i => new PixelRow { Image = Data.Image(i) }).ToList();
        rows[3].Image[100] = value;
        return _ml.Data.LoadFromEnumerable(rows);
    }

    /// <summary>Good rows multiplied by <paramref name="factor"/> (e.g. 255: raw bytes, the common mistake).</summary>
    private IDataView Scaled(float factor) =>
        _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 8).Select(i => new PixelRow { Image = Data.Image(i).Select(v => v * factor).ToArray() }).ToList());

    private VaeFeaturizerOptions Featurizer(Action<VaeFeaturizerOptions>? edit = null)
    {
        var options = new VaeFeaturizerOptions { InputColumnName = "Image" };
        edit?.Invoke(options);
        return options;
    }

    private VaeAnomalyDetectorOptions Detector(Action<VaeAnomalyDetectorOptions>? edit = null)
    {
        var options = new VaeAnomalyDetectorOptions { InputColumnName = "Image" };
        edit?.Invoke(options);
        return options;
    }

    /// <summary>Featurizes <paramref name="data"/> and reads every value (errors of lazy transforms appear here).</summary>
    private void Featurize(IDataView data, VaeFeaturizerOptions? options = null)
    {
        using var transformer = _ml.Transforms.VaeFeaturize(options ?? Featurizer(), _model).Fit(Good());
        ColumnValues.ReadAll(transformer.Transform(data));
    }

    private void Detect(IDataView fit, IDataView? score = null, VaeAnomalyDetectorOptions? options = null, VaeModel? model = null)
    {
        using var detector = _ml.AnomalyDetection.Trainers.Vae(options ?? Detector(), model ?? _model).Fit(fit);
        if (score != null) ColumnValues.ReadAll(detector.Transform(score));
    }

    private IEnumerable<BadInput> Cases()
    {
        string section = "";
        BadInput Case<TException>(string name, Action act, params string[] message) where TException : Exception =>
            new(name, typeof(TException), message, act) { Class = section };
        string fixture = Data.ContractVae;
        byte[] bytes = File.ReadAllBytes(fixture);

        // ---- ONNX model files
        section = "ONNX model files";
        string missing = Path.Combine(_files.Folder, "does-not-exist.onnx");
        yield return Case<FileNotFoundException>("model file missing", () => VaeModel.Load(missing), missing);
        yield return Case<FileNotFoundException>("model path is a folder", () => VaeModel.Load(_files.Folder), _files.Folder);
        yield return Case<ArgumentNullException>("model path null", () => VaeModel.Load(null!), "onnxPath");
        yield return Case<ArgumentException>("model path blank", () => VaeModel.Load("  "), "onnxPath");
        yield return Case<ArgumentNullException>("model bytes null", () => VaeModel.FromBytes(null!), "onnxBytes");
        string empty = _files.Write("empty.onnx", []);
        yield return Case<InvalidDataException>("empty ONNX file", () => VaeModel.Load(empty), empty);
        string truncated = _files.Write("truncated.onnx", bytes[..(bytes.Length / 2)]);
        yield return Case<InvalidDataException>("truncated ONNX file", () => VaeModel.Load(truncated), truncated);
        string headOnly = _files.Write("head.onnx", bytes[..64]);
        yield return Case<InvalidDataException>("ONNX file cut after 64 bytes", () => VaeModel.Load(headOnly), headOnly);
        var noise = new byte[4096];
        new Random(5).NextBytes(noise);
        string random = _files.Write("random.onnx", noise);
        yield return Case<InvalidDataException>("random bytes as ONNX", () => VaeModel.Load(random), random);
        string png = _files.Write("image.onnx", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 28, 0, 0, 0, 28, 8, 0, 0, 0, 0]);
        yield return Case<InvalidDataException>("PNG file named .onnx", () => VaeModel.Load(png), png);
        string text = _files.Write("text.onnx", "ir_version: 8\ngraph { name: 'vae' }"u8.ToArray());
        yield return Case<InvalidDataException>("ONNX text format instead of binary", () => VaeModel.Load(text), text);
        yield return Case<InvalidDataException>("foreign (non-VAE) ONNX without mapping", () => VaeModel.Load(Data.ForeignNamed), Data.ForeignNamed, M.Contract, "VaeOutputMapping");
        string foreignWithContract = _files.Write("foreign-claims-contract.onnx", WithContractMetadata(File.ReadAllBytes(Data.ForeignNamed)));
        yield return Case<InvalidDataException>("foreign graph claiming the contract", () => VaeModel.Load(foreignWithContract), foreignWithContract, "'image'", "pixels");
        string next = (VaeContract.Version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string future = _files.WithMetadata("future.onnx", M.Contract, next);
        yield return Case<InvalidDataException>($"future contract vae.contract={next}", () => VaeModel.Load(future), future, $"version {next}", $"reads version {VaeContract.Version}");
        string v2WithoutPreprocessing = _files.WithMetadata("v2-no-preprocessing.onnx", M.Contract, "2");
        yield return Case<InvalidDataException>("contract v2 without vae.preprocessing", () => VaeModel.Load(v2WithoutPreprocessing), v2WithoutPreprocessing, "vae.preprocessing");
        string notVersion = _files.WithMetadata("contract-abc.onnx", M.Contract, "one");
        yield return Case<InvalidDataException>("vae.contract not a number", () => VaeModel.Load(notVersion), notVersion, "'one'", "expected 1");
        string zeroVersion = _files.WithMetadata("contract-0.onnx", M.Contract, "0");
        yield return Case<InvalidDataException>("vae.contract=0", () => VaeModel.Load(zeroVersion), zeroVersion, "'0'", "expected 1");
        string badShape = _files.WithMetadata("shape-2d.onnx", M.ImageShape, "28x28");
        yield return Case<InvalidDataException>("image_shape with two dimensions", () => VaeModel.Load(badShape), badShape, "'28x28'", "CxHxW");
        string zeroShape = _files.WithMetadata("shape-0.onnx", M.ImageShape, "1x0x28");
        yield return Case<InvalidDataException>("image_shape with a zero", () => VaeModel.Load(zeroShape), zeroShape, "'1x0x28'", "CxHxW");
        string wrongShape = _files.WithMetadata("shape-32.onnx", M.ImageShape, "1x32x32");
        yield return Case<InvalidDataException>("image_shape disagreeing with the graph", () => VaeModel.Load(wrongShape), wrongShape, "1x32x32", "[-1, 1, 28, 28]");
        string noShape = _files.WithMetadata("shape-missing.onnx", M.ImageShape, null);
        yield return Case<InvalidDataException>("image_shape missing", () => VaeModel.Load(noShape), noShape, M.ImageShape, "(missing)");
        string wrongLatent = _files.WithMetadata("latent-16.onnx", M.LatentDim, "16");
        yield return Case<InvalidDataException>("latent_dim disagreeing with mu", () => VaeModel.Load(wrongLatent), wrongLatent, "=16", "8 values");
        string negativeLatent = _files.WithMetadata("latent-neg.onnx", M.LatentDim, "-3");
        yield return Case<InvalidDataException>("latent_dim negative", () => VaeModel.Load(negativeLatent), negativeLatent, "'-3'", "positive integer");
        string likelihood = _files.WithMetadata("likelihood.onnx", M.Likelihood, "poisson");
        yield return Case<InvalidDataException>("unknown likelihood", () => VaeModel.Load(likelihood), likelihood, "'poisson'", "'bernoulli', 'gaussian', 'laplace', 'discretized_logistic'");
        string beta = _files.WithMetadata("beta.onnx", M.Beta, "strong");
        yield return Case<InvalidDataException>("beta not a number", () => VaeModel.Load(beta), beta, "'strong'", "not a number");
        string quantiles = _files.WithMetadata("quantiles.onnx", M.TrainErrorQuantiles, "{0.99: oops");
        yield return Case<InvalidDataException>("error quantiles not JSON", () => VaeModel.Load(quantiles), quantiles, M.TrainErrorQuantiles, "JSON");
        string noMu = _files.Edited("no-mu.onnx", proto => proto.Graph.Output.Remove(proto.Graph.Output.First(o => o.Name == VaeContract.Mu)));
        yield return Case<InvalidDataException>("contract model without the mu output", () => VaeModel.Load(noMu), noMu, "'mu'");
        string badReshape = _files.Edited("bad-reshape.onnx", proto =>
        {
            // The decoder's Reshape target [-1, 1, 28, 28] becomes [16, 1, 28, 28]: the graph loads, but fails when run.
            var constant = proto.Graph.Node.Single(n => n.OpType == "Constant" && n.Output[0] == proto.Graph.Node.Single(r => r.OpType == "Reshape").Input[1]);
            constant.Attribute[0].T = new Vae.MLNet.Onnx.Proto.TensorProto { DataType = 7, Dims = { 4 }, Int64Data = { 16, 1, 28, 28 } };
        });
        yield return Case<InvalidDataException>("graph that loads but fails when run (bad Reshape constant)", () => VaeModel.Load(badReshape), badReshape, "Reshape");
        yield return Case<InvalidDataException>("mapping naming a missing output",
            () => VaeModel.Load(Data.ForeignNamed, VaeOutputMapping.MuLogVar("z_mu", "z_log_var")), Data.ForeignNamed, "'z_mu'");
        yield return Case<ArgumentException>("mapping whose image shape product overflows int",
            () => VaeModel.Load(Data.ForeignNamed, VaeOutputMapping.MuLogVar("z_mean", "z_log_var") with { ImageShape = (3, 50_000, 50_000) }), "3x50000x50000", "7,500,000,000", "limit");
        yield return Case<ArgumentException>("mapping with a non-positive image shape",
            () => VaeModel.Load(Data.ForeignNamed, VaeOutputMapping.MuLogVar("z_mean", "z_log_var") with { ImageShape = (0, 28, 28) }), "0x28x28", "positive");

        // Non-regular files and size: refused before reading (a FIFO blocked forever, /dev/zero allocated 4 GB).
        string fifo = _files.Fifo("model.fifo");
        yield return Case<InvalidDataException>("model path is a FIFO", () => Within(TimeSpan.FromSeconds(20), () => VaeModel.Load(fifo)), fifo, "not a regular file");
        if (File.Exists("/dev/zero"))
            yield return Case<InvalidDataException>("model path is /dev/zero", () => VaeModel.Load("/dev/zero"), "/dev/zero", "not a regular file");
        yield return Case<InvalidDataException>("model file over maxFileBytes", () => VaeModel.Load(fixture, null, 1000), fixture, "1,000 bytes", "maxFileBytes");
        yield return Case<ArgumentOutOfRangeException>("maxFileBytes 0", () => VaeModel.Load(fixture, null, 0), "maxFileBytes");
        // Weights that are not finite give NaN features silently: refused naming the initializer.
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity })
        {
            string name = "";
            string edited = _files.Edited($"weight-{bad}.onnx", proto =>
            {
                var weight = proto.Graph.Initializer.First(t => t.DataType == 1 && (t.RawData.Length >= 8 || t.FloatData.Count > 1));
                name = weight.Name;
                if (weight.RawData.Length > 0)
                {
                    var raw = weight.RawData.ToByteArray();
                    BitConverter.TryWriteBytes(raw.AsSpan(4), bad);
                    weight.RawData = Google.Protobuf.ByteString.CopyFrom(raw);
                }
                else weight.FloatData[1] = bad;
            });
            yield return Case<InvalidDataException>($"encoder weight {bad}", () => VaeModel.Load(edited), edited, $"'{name}'", bad.ToString(System.Globalization.CultureInfo.InvariantCulture), "finite");
        }
        // Training-error quantiles: a stored threshold from bad quantiles flags every row or none.
        foreach (var (label, json, fragment) in new[]
        {
            ("decreasing", """{"0.5": 30.0, "0.99": 20.0}""", "must not decrease"),
            ("negative under Bernoulli", """{"0.5": 10.0, "0.99": -5}""", "−log p is ≥ 0"),
            ("1e300", """{"0.5": 10.0, "0.99": 1e300}""", "float range"),
            ("1e400", """{"0.5": 10.0, "0.99": 1e400}""", M.TrainErrorQuantiles),
            ("quantile 1.5", """{"0.5": 10.0, "1.5": 20.0}""", "[0, 1]"),
        })
        {
            string edited = _files.WithMetadata($"quantiles-{label.Replace(' ', '-')}.onnx", M.TrainErrorQuantiles, json);
            yield return Case<InvalidDataException>($"error quantiles {label}", () => VaeModel.Load(edited), edited, M.TrainErrorQuantiles, fragment);
        }

        // ---- VaeModel.Run
        section = "VaeModel.Run";
        yield return Case<ArgumentException>("Run with a short pixel buffer", () => _model.Run(new float[700], 1), "700", "784");
        yield return Case<ArgumentException>("Run asking a foreign encoder for reconstruction",
            () => _foreign.Run(new float[784], 1, VaeOutputKinds.All), "encoder without decoder");
        var disposedModel = VaeModel.Load(fixture);
        disposedModel.Dispose();
        yield return Case<ObjectDisposedException>("Run on a disposed model", () => disposedModel.Run(new float[784], 1), nameof(VaeModel));

        // ---- featurizer options and arguments
        section = "featurizer options";
        yield return Case<ArgumentNullException>("featurizer options null", () => _ml.Transforms.VaeFeaturize(null!, _model), "options");
        yield return Case<ArgumentNullException>("featurizer model null", () => _ml.Transforms.VaeFeaturize(Featurizer(), null!), "model");
        yield return Case<ArgumentOutOfRangeException>("featurizer BatchSize 0", () => _ml.Transforms.VaeFeaturize(Featurizer(o => o.BatchSize = 0), _model), "BatchSize", "at least 1");
        yield return Case<ArgumentOutOfRangeException>("featurizer BatchSize negative", () => _ml.Transforms.VaeFeaturize(Featurizer(o => o.BatchSize = -256), _model), "BatchSize", "-256");
        yield return Case<ArgumentOutOfRangeException>("featurizer BatchSize over MaxBatchSize", () => _ml.Transforms.VaeFeaturize(Featurizer(o => o.BatchSize = 1_000_000), _model), "BatchSize", "1,000,000", "65,536");
        yield return Case<ArgumentOutOfRangeException>("featurizer IntraOpNumThreads 0", () => _ml.Transforms.VaeFeaturize(Featurizer(o => o.IntraOpNumThreads = 0), _model), "IntraOpNumThreads");
        yield return Case<ArgumentException>("featurizer input column name empty", () => _ml.Transforms.VaeFeaturize(Featurizer(o => o.InputColumnName = ""), _model), "InputColumnName");
        yield return Case<ArgumentException>("featurizer with no output column", () => _ml.Transforms.VaeFeaturize(Featurizer(o => { o.MuColumnName = null; o.SigmaColumnName = null; }), _model), "no column");
        yield return Case<ArgumentException>("featurizer with one output name twice", () => _ml.Transforms.VaeFeaturize(Featurizer(o => o.SigmaColumnName = "Mu"), _model), "'Mu'", "twice");
        yield return Case<ArgumentException>("reconstruction error from a foreign encoder",
            () => _ml.Transforms.VaeFeaturize(Featurizer(o => o.ReconstructionErrorColumnName = "Error"), _foreign), "Error");
        yield return Case<ArgumentNullException>("featurizer Fit(null)", () => _ml.Transforms.VaeFeaturize(Featurizer(), _model).Fit(null!), "input");
        yield return Case<ArgumentNullException>("featurizer GetOutputSchema(null)", () => _ml.Transforms.VaeFeaturize(Featurizer(), _model).GetOutputSchema(null!), "inputSchema");

        // ---- featurizer data
        section = "featurizer data";
        yield return Case<ArgumentException>("featurizer input column missing", () => _ml.Transforms.VaeFeaturize(Featurizer(o => o.InputColumnName = "Pixels"), _model).Fit(Good()), "'Pixels'", "not found", "784", "Image");
        yield return Case<ArgumentException>("featurizer text column", () => _ml.Transforms.VaeFeaturize(Featurizer(), _model).Fit(View(new TextRow { Image = "x" })), "'Image'", "String", "784 Single");
        yield return Case<ArgumentException>("featurizer int scalar column", () => _ml.Transforms.VaeFeaturize(Featurizer(), _model).Fit(View(new IntRow())), "'Image'", "Int32", "784 Single");
        yield return Case<ArgumentException>("featurizer double vector column", () => _ml.Transforms.VaeFeaturize(Featurizer(), _model).Fit(View(new DoubleRow { Image = new double[784] })), "'Image'", "Double", "784 Single");
        yield return Case<ArgumentException>("featurizer vector of 100", () => _ml.Transforms.VaeFeaturize(Featurizer(), _model).Fit(View(new ShortRow { Image = new float[100] })), "'Image'", "100", "784");
        yield return Case<ArgumentException>("featurizer wrong type at GetOutputSchema(SchemaShape)",
            () => _ml.Transforms.VaeFeaturize(Featurizer(), _model).GetOutputSchema(EstimatorChecks.ShapeOf(View(new TextRow()).Schema)), "'Image'", "784 Single");
        yield return Case<InvalidDataException>("featurizer variable-size row of 100 values",
            () => Featurize(View(new VariableRow { Image = Data.Image(0) }, new VariableRow { Image = new float[100] })), "'Image'", "row 1", "784", "got 100");
        yield return Case<InvalidDataException>("featurizer NaN pixel", () => Featurize(WithPixel(float.NaN)), "'Image'", "row 3", "pixel 100", "NaN");
        yield return Case<InvalidDataException>("featurizer +Inf pixel", () => Featurize(WithPixel(float.PositiveInfinity)), "'Image'", "row 3", "pixel 100", "Infinity");
        yield return Case<InvalidDataException>("featurizer -Inf pixel", () => Featurize(WithPixel(float.NegativeInfinity)), "'Image'", "row 3", "pixel 100", "-Infinity");
        yield return Case<InvalidOperationException>("featurizer Fit on an empty view", () => _ml.Transforms.VaeFeaturize(Featurizer(), _model).Fit(View<PixelRow>()), "empty", "'Image'");
        var disposed = _ml.Transforms.VaeFeaturize(Featurizer(), _model).Fit(Good());
        disposed.Dispose();
        yield return Case<ObjectDisposedException>("featurizer used after Dispose", () => disposed.Transform(Good()), "disposed");
        yield return Case<ArgumentNullException>("featurizer Transform(null)", () => _ml.Transforms.VaeFeaturize(Featurizer(), _model).Fit(Good()).Transform(null!), "input");
        string notSaved = Path.Combine(_files.Folder, "nothing.zip");
        yield return Case<FileNotFoundException>("LoadFast of a missing file", () => VaeFeaturizerTransformer.LoadFast(_ml, notSaved), notSaved);
        string otherModel = Path.Combine(_files.Folder, "normalizer.zip");
        _ml.Model.Save(_ml.Transforms.NormalizeMinMax("Image").Fit(Good()), Good().Schema, otherModel);
        yield return Case<InvalidDataException>("LoadFast of a saved non-VAE pipeline", () => VaeFeaturizerTransformer.LoadFast(_ml, otherModel), otherModel);

        // ---- anomaly detector options
        section = "detector options";
        yield return Case<ArgumentNullException>("detector options null", () => _ml.AnomalyDetection.Trainers.Vae(null!, _model), "options");
        yield return Case<ArgumentNullException>("detector model null", () => _ml.AnomalyDetection.Trainers.Vae(Detector(), null!), "model");
        foreach (double c in new[] { 0.0, 1.0, -0.1, double.NaN })
            yield return Case<ArgumentOutOfRangeException>($"detector Contamination {c}", () => _ml.AnomalyDetection.Trainers.Vae(Detector(o => o.Contamination = c), _model), "Contamination", "(0, 1)");
        yield return Case<ArgumentOutOfRangeException>("detector ThresholdQuantile 1.5", () => _ml.AnomalyDetection.Trainers.Vae(Detector(o => o.ThresholdQuantile = 1.5), _model), "ThresholdQuantile", "1.5");
        yield return Case<ArgumentOutOfRangeException>("detector FalsePositiveRate +Inf", () => _ml.AnomalyDetection.Trainers.Vae(Detector(o => o.FalsePositiveRate = double.PositiveInfinity), _model), "FalsePositiveRate");
        yield return Case<ArgumentException>("detector two threshold rules", () => _ml.AnomalyDetection.Trainers.Vae(Detector(o => { o.Contamination = 0.1; o.FalsePositiveRate = 0.05; }), _model), "at most one", "Contamination=0.1", "FalsePositiveRate=0.05");
        yield return Case<ArgumentOutOfRangeException>("detector CovarianceShrinkage 1", () => _ml.AnomalyDetection.Trainers.Vae(Detector(o => o.CovarianceShrinkage = 1), _model), "CovarianceShrinkage", "[0, 1)");
        yield return Case<ArgumentOutOfRangeException>("detector BatchSize 0", () => _ml.AnomalyDetection.Trainers.Vae(Detector(o => o.BatchSize = 0), _model), "BatchSize");
        yield return Case<ArgumentOutOfRangeException>("detector BatchSize 5,478,275", () => _ml.AnomalyDetection.Trainers.Vae(Detector(o => o.BatchSize = 5_478_275), _model), "BatchSize", "5,478,275", "65,536");
        yield return Case<ArgumentOutOfRangeException>("detector IntraOpNumThreads -1", () => _ml.AnomalyDetection.Trainers.Vae(Detector(o => o.IntraOpNumThreads = -1), _model), "IntraOpNumThreads", "-1");
        yield return Case<ArgumentException>("detector undefined ScoreKind", () => _ml.AnomalyDetection.Trainers.Vae(Detector(o => o.ScoreKind = (VaeAnomalyScoreKind)99), _model), "ScoreKind", "99");
        yield return Case<ArgumentException>("detector input column blank", () => _ml.AnomalyDetection.Trainers.Vae(Detector(o => o.InputColumnName = " "), _model), "InputColumnName");
        yield return Case<ArgumentException>("reconstruction score on a foreign encoder", () => _ml.AnomalyDetection.Trainers.Vae(Detector(), _foreign), "HasReconstruction", "Mahalanobis");

        // ---- anomaly detector data
        section = "detector data";
        yield return Case<ArgumentException>("detector input column missing", () => Detect(Good(), options: Detector(o => o.InputColumnName = "Pixels")), "'Pixels'", "not found");
        yield return Case<ArgumentException>("detector vector of 100", () => Detect(View(new ShortRow { Image = new float[100] })), "'Image'", "100", "784");
        yield return Case<InvalidOperationException>("detector Fit on an empty view", () => Detect(View<PixelRow>()), "empty", "'Image'");
        yield return Case<InvalidDataException>("detector NaN pixel while fitting", () => Detect(WithPixel(float.NaN)), "'Image'", "row 3", "NaN");
        yield return Case<InvalidDataException>("detector Inf pixel while scoring", () => Detect(Good(), WithPixel(float.PositiveInfinity)), "'Image'", "row 3", "Infinity")
            with { KnownBug = "ML.NET's splitter/consolidator wraps the featurizer's InvalidDataException in an InvalidOperationException without the column/row" };
        yield return Case<InvalidDataException>("featurizer NaN pixel read through a downstream ML.NET transform", () =>
        {
            using var featurizer = _ml.Transforms.VaeFeaturize(Featurizer(), _model).Fit(Good());
            var chain = _ml.Transforms.Concatenate("Features", "Mu", "Sigma").Fit(featurizer.Transform(Good()));
            ColumnValues.ReadAll(chain.Transform(featurizer.Transform(WithPixel(float.NaN))));
        }, "'Image'", "row 3", "NaN") with { KnownBug = "same wrapping as above, for the featurizer inside any ML.NET pipeline" };
        yield return Case<InvalidDataException>("featurizer pixels in 0..255 instead of [0, 1]", () => Featurize(Scaled(255f)), "'Image'", "[0, 1]");
        yield return Case<InvalidOperationException>("detector Mahalanobis fitted on one row",
            () => Detect(Good(1), options: Detector(o => o.ScoreKind = VaeAnomalyScoreKind.Mahalanobis)), "1");
        yield return Case<InvalidOperationException>("detector NearestNeighbors fitted on no more rows than NeighborCount",
            () => Detect(Good(4), options: Detector(o => { o.ScoreKind = VaeAnomalyScoreKind.NearestNeighbors; o.NeighborCount = 4; })), "NeighborCount", "5", "got 4");
        yield return Case<ArgumentOutOfRangeException>("detector NeighborCount 0",
            () => _ml.AnomalyDetection.Trainers.Vae(Detector(o => o.NeighborCount = 0), _model), "NeighborCount", "positive", "0");
        yield return Case<ArgumentOutOfRangeException>("detector MaxNeighborReferences not above NeighborCount",
            () => _ml.AnomalyDetection.Trainers.Vae(Detector(o => o.MaxNeighborReferences = 10), _model), "MaxNeighborReferences", "NeighborCount", "10");
        yield return Case<ArgumentOutOfRangeException>("detector WithThreshold(NaN)", () => { using var d = _ml.AnomalyDetection.Trainers.Vae(Detector(), _model).Fit(Good()); d.WithThreshold(float.NaN); }, "threshold", "finite");
        yield return Case<ArgumentOutOfRangeException>("detector WithThreshold(-Inf)", () => { using var d = _ml.AnomalyDetection.Trainers.Vae(Detector(), _model).Fit(Good()); d.WithThreshold(float.NegativeInfinity); }, "threshold", "finite");
        var disposedDetector = _ml.AnomalyDetection.Trainers.Vae(Detector(), _model).Fit(Good());
        disposedDetector.Dispose();
        yield return Case<ObjectDisposedException>("detector used after Dispose", () => disposedDetector.Transform(Good()), "disposed");
    }

    /// <summary>Runs <paramref name="act"/> on another thread; a hang becomes a TimeoutException (the wrong type: the case fails).</summary>
    private static void Within(TimeSpan limit, Action act)
    {
        var task = Task.Run(act);
        if (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(limit))
            throw new TimeoutException($"still running after {limit.TotalSeconds} s (a hang)");
        task.GetAwaiter().GetResult();
    }

    /// <summary>The foreign encoder's bytes with contract metadata claiming it is a v1 VAE of 1x28x28, k = 8.</summary>
    private static byte[] WithContractMetadata(byte[] foreign)
    {
        var proto = Vae.MLNet.Onnx.Proto.ModelProto.Parser.ParseFrom(foreign);
        Vae.MLNet.Onnx.OnnxModelFile.SetMetadata(proto, M.Contract, "1");
        Vae.MLNet.Onnx.OnnxModelFile.SetMetadata(proto, M.ImageShape, "1x28x28");
        Vae.MLNet.Onnx.OnnxModelFile.SetMetadata(proto, M.LatentDim, "8");
        return Google.Protobuf.MessageExtensions.ToByteArray(proto);
    }

    [Fact]
    public void Every_bad_input_raises_the_documented_exception_naming_what_was_expected()
    {
        var cases = Cases().ToList();
        Assert.Equal(cases.Count, cases.Select(c => c.Name).Distinct().Count());
        var results = cases.Select(c => (Case: c, Failure: c.Check())).ToList();
        var failures = results.Where(r => r.Failure != null && r.Case.KnownBug == null).Select(r => r.Failure!).ToList();
        var known = results.Where(r => r.Failure != null && r.Case.KnownBug != null).ToList();
        var fixedBugs = results.Where(r => r.Failure == null && r.Case.KnownBug != null).Select(r => $"{r.Case.Name}: behaves now; remove its KnownBug marker").ToList();
        int behaved = results.Count(r => r.Failure == null);
        foreach (var group in cases.GroupBy(c => c.Expected.Name))
            _output.WriteLine($"{group.Key}: {group.Count()}");
        foreach (var group in results.GroupBy(r => r.Case.Class))
        {
            _output.WriteLine($"class '{group.Key}': {group.Count()} tried, {group.Count(r => r.Failure == null)} behaved; ended as " +
                string.Join(", ", group.GroupBy(r => r.Case.Outcome.Split(':')[0]).Select(g => $"{g.Key} ×{g.Count()}")));
            foreach (var (c, _) in group)
                _output.WriteLine($"  {c.Name} → {c.Outcome}");
        }
        _output.WriteLine($"{cases.Count} distinct bad inputs: {behaved} behaved, {known.Count} known bugs, {failures.Count} new failures");
        foreach (var (c, failure) in known) _output.WriteLine($"KNOWN BUG ({c.KnownBug}): {failure}");
        foreach (var failure in failures) _output.WriteLine("FAIL " + failure);
        failures.AddRange(fixedBugs);
        Assert.True(behaved >= 30, $"only {behaved} bad inputs behaved");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
