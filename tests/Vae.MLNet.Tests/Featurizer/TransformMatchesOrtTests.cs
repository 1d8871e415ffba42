using Microsoft.ML;
using Microsoft.ML.Data;

using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Featurizer;

public sealed class TransformMatchesOrtTests
{
    [Fact]
    public void Transform_gives_the_same_mu_sigma_error_kl_reconstruction_as_direct_onnx_runtime()
    {
        var ml = new MLContext(seed: 1);
        const int start = 8000, count = 300; // 300 rows: more than one batch of 256
        var data = Rows.Pixels(ml, start, count);
        using var model = VaeModel.Load(TestData.ContractVae);
        var transformer = ml.Transforms.VaeFeaturize(Rows.AllColumns(), model).Fit(data);
        var rows = Rows.Read<FeatureRow>(ml, transformer.Transform(data));

        var expected = DirectOrt.Run(TestData.ContractVae, "image", TestData.Images(start, count), [1, 28, 28]);
        Assert.Equal(count, rows.Count);
        for (int r = 0; r < count; r++)
        {
            DirectOrt.AssertClose(expected["mu"][r], rows[r].Mu, 1e-5, $"mu row {r}");
            DirectOrt.AssertClose(expected["sigma"][r], rows[r].Sigma, 1e-5, $"sigma row {r}");
            DirectOrt.AssertClose(expected["logvar"][r], rows[r].LogVar, 1e-5, $"logvar row {r}");
            DirectOrt.AssertClose(expected["reconstruction_error"][r], [rows[r].Error], 1e-5, $"error row {r}");
            DirectOrt.AssertClose(expected["kl"][r], [rows[r].Kl], 1e-5, $"kl row {r}");
            // Divergence = error − Σ H(x), the binary entropy of the pixels summed by hand in double.
            double entropy = TestData.PixelEntropy(TestData.Images(start + r, 1)[0]);
            Assert.True(Math.Abs(expected["reconstruction_error"][r][0] - entropy - rows[r].Divergence) < 1e-3,
                $"divergence row {r}: {rows[r].Divergence}, expected {expected["reconstruction_error"][r][0] - entropy}");
            Assert.True(rows[r].Divergence > 0 && rows[r].Divergence < rows[r].Error);
            DirectOrt.AssertClose(expected["reconstruction"][r], rows[r].Reconstruction, 1e-5, $"reconstruction row {r}");
            Assert.Equal($"row{start + r}", rows[r].Tag); // pass-through columns stay aligned across batches
        }
        // The features are not trivially constant: different images give different μ.
        Assert.NotEqual(rows[0].Mu, rows[1].Mu);
    }

    [Fact]
    public void Output_schema_has_typed_vectors_with_slot_names_and_scalar_scores()
    {
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, 0, 3);
        using var model = VaeModel.Load(TestData.ContractVae);
        var schema = ml.Transforms.VaeFeaturize(Rows.AllColumns(), model).Fit(data).GetOutputSchema(data.Schema);

        var mu = schema["Mu"];
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 8), mu.Type);
        VBuffer<ReadOnlyMemory<char>> names = default;
        mu.GetSlotNames(ref names);
        Assert.Equal(["mu_0", "mu_1", "mu_2", "mu_3", "mu_4", "mu_5", "mu_6", "mu_7"], names.DenseValues().Select(n => n.ToString()));
        Assert.Equal(NumberDataViewType.Single, schema["Error"].Type);
        Assert.Equal(NumberDataViewType.Single, schema["Kl"].Type);
        Assert.Equal(784, ((VectorDataViewType)schema["Reconstruction"].Type).Size);
        Assert.NotNull(schema.GetColumnOrNull("Label"));
    }

    [Fact]
    public void Estimator_output_schema_shape_lists_the_new_columns()
    {
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, 0, 3);
        using var model = VaeModel.Load(TestData.ContractVae);
        // SchemaShape.Create is internal to ML.NET; build the input shape with the same helper the estimator uses.
        var input = new SchemaShape([
            SchemaShapes.Column("Pixels", SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false),
            SchemaShapes.Column("Label", SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, false)]);
        var shape = ml.Transforms.VaeFeaturize(Rows.AllColumns(), model).GetOutputSchema(input);
        Assert.Contains(shape, c => c.Name == "Label");
        var mu = shape.Single(c => c.Name == "Mu");
        Assert.Equal(SchemaShape.Column.VectorKind.Vector, mu.Kind);
        Assert.Equal(NumberDataViewType.Single, mu.ItemType);
        Assert.Equal(SchemaShape.Column.VectorKind.Scalar, shape.Single(c => c.Name == "Error").Kind);
    }
}

public sealed class LazinessAndOwnershipTests
{
    [Fact]
    public void Transform_is_lazy_and_errors_surface_when_rows_are_read()
    {
        var ml = new MLContext(seed: 1);
        var images = TestData.Images(0, 3).Select(p => (float[])p.Clone()).ToArray();
        images[0][0] = float.NaN;
        var data = ml.Data.LoadFromEnumerable(images.Select(p => new PixelRow { Pixels = p }).ToList());
        using var model = VaeModel.Load(TestData.ContractVae);
        var transformer = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Pixels" }, model).Fit(data);
        var view = transformer.Transform(data); // no ORT run, no pixel check yet
        Assert.Equal(3, view.GetRowCount());
        Assert.Single(view.GetRowCursorSet(view.Schema, 4));
        // Reading only a pass-through column never touches the model or the pixels.
        Assert.Equal(3, ml.Data.CreateEnumerable<TagOnly>(view, false).Count());
        Assert.Throws<InvalidDataException>(() => ml.Data.CreateEnumerable<MuOnly>(view, false).ToList());
    }

    private sealed class TagOnly
    {
        public string Tag { get; set; } = "";
    }

    private sealed class MuOnly
    {
        public float[] Mu { get; set; } = [];
    }

    [Fact]
    public void Path_overload_loads_the_model_and_the_transformer_owns_it()
    {
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, 0, 5);
        var estimator = ml.Transforms.VaeFeaturize(TestData.ContractVae, inputColumnName: "Pixels", muColumnName: "Latent", sigmaColumnName: "Spread");
        var transformer = estimator.Fit(data);
        var schema = transformer.Transform(data).Schema;
        Assert.NotNull(schema.GetColumnOrNull("Latent"));
        Assert.NotNull(schema.GetColumnOrNull("Spread"));
        using var second = estimator.Fit(data);
        transformer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => transformer.Model.Run(new float[784], 1));
        Assert.Throws<ObjectDisposedException>(() => transformer.Transform(data));
        // A second transformer from the same estimator has its own model and keeps working.
        Assert.Equal(8, second.Model.Run(TestData.Images(0, 1)[0], 1, VaeOutputKinds.Mu).Mu!.Length);
    }
}
